#!/bin/bash
# Blocks until this node answers Scalelite's health check (database and Redis
# reachable, no pending migration) the way the load balancer asks it. A rolling
# configuration push waits for it before touching the next node.
set -euo pipefail

readonly URL='http://127.0.0.1/health_check'
readonly ATTEMPTS=60
readonly PAUSE_SECONDS=5

for attempt in $(seq 1 "${ATTEMPTS}"); do
  if [ "$(curl --silent --max-time 5 "${URL}" || true)" = success ]; then
    echo "healthy after ${attempt} check(s)"
    exit 0
  fi
  sleep "${PAUSE_SECONDS}"
done
echo "not healthy after ${ATTEMPTS} checks: ${URL}" >&2
exit 1
