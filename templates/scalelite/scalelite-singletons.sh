#!/bin/bash
# Every Scalelite node runs this; only the node holding PostgreSQL advisory lock
# {{ lockKey }} runs the poller and the recording importer, so the tier always has
# exactly one of each. When this node stops, is replaced or dies, its database
# session ends and a waiting node takes over. This node checks its session every
# HEARTBEAT_SECONDS and stops the singletons as soon as it is in doubt, well before
# the server could hand the lock to another node.
set -euo pipefail

readonly PROJECT_DIR='{{ projectDir }}'
readonly LOCK_KEY='{{ lockKey }}'
readonly SINGLETONS='{{ singletons }}'
readonly HEARTBEAT_SECONDS="${SINGLETON_HEARTBEAT_SECONDS:-10}"
# shellcheck source=templates/scalelite/db-session.sh
. '{{ dbSessionLibrary }}'

compose() {
  docker compose --profile singleton "$@"
}

stop_singletons() {
  # shellcheck disable=SC2086 # SINGLETONS is a list of service names
  compose stop ${SINGLETONS} || true
}

cd "${PROJECT_DIR}"
# A previous run (or a reboot with restart policies) must not leave them running.
stop_singletons

open_db_session
trap 'stop_singletons; close_db_session' EXIT
trap 'exit 143' TERM INT

take_lock "${LOCK_KEY}"
# The database is migrated already: scalelite.service, which this unit waits for,
# runs the migrations before any server starts.
echo "holding the singleton lock; starting: ${SINGLETONS}"
# shellcheck disable=SC2086 # SINGLETONS is a list of service names
compose up --detach ${SINGLETONS}

while true; do
  sleep "${HEARTBEAT_SECONDS}"
  if ! session_alive "${HEARTBEAT_SECONDS}"; then
    echo "database session lost; stopping the singletons and contending again" >&2
    exit 1
  fi
done
