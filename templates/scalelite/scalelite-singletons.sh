#!/bin/bash
# Every Scalelite node runs this; only the node holding PostgreSQL advisory lock
# {{ lockKey }} runs the poller and the recording importer, so the tier always has
# exactly one of each. The lock belongs to a database session: when this node stops,
# is replaced or dies, the session ends (server-side TCP keepalive: within about a
# minute) and a waiting node takes over. This node checks its session every
# HEARTBEAT_SECONDS and stops the singletons as soon as it is in doubt, well before
# the server could hand the lock to another node.
set -euo pipefail

readonly PROJECT_DIR='{{ projectDir }}'
readonly LOCK_KEY='{{ lockKey }}'
readonly SINGLETONS='{{ singletons }}'
readonly HEARTBEAT_SECONDS="${SINGLETON_HEARTBEAT_SECONDS:-10}"

compose() {
  docker compose --profile singleton "$@"
}

stop_singletons() {
  # shellcheck disable=SC2086 # SINGLETONS is a list of service names
  compose stop ${SINGLETONS} || true
}

cd "${PROJECT_DIR}"
database_url="$(sed -n 's/^DATABASE_URL=//p' "${PROJECT_DIR}/scalelite.env")"
if [ -z "${database_url}" ]; then
  echo "no DATABASE_URL in ${PROJECT_DIR}/scalelite.env" >&2
  exit 1
fi

# A previous run (or a reboot with restart policies) must not leave them running.
stop_singletons

coproc DB { exec psql "${database_url}" --no-psqlrc --quiet --tuples-only --no-align --set ON_ERROR_STOP=1; }
session_pid="${DB_PID}"
exec {from_db}<&"${DB[0]}" {to_db}>&"${DB[1]}"
trap 'stop_singletons; kill "${session_pid}" 2>/dev/null || true' EXIT
trap 'exit 143' TERM INT

send() {
  printf '%s\n' "$1" >&"${to_db}"
}

# Wait (without a timeout) until the database answers with the given marker.
await() {
  local line
  while read -r line <&"${from_db}"; do
    if [ "${line}" = "$1" ]; then
      return 0
    fi
  done
  return 1
}

send "SET tcp_keepalives_idle = 30; SET tcp_keepalives_interval = 10; SET tcp_keepalives_count = 3;"
send "SELECT pg_advisory_lock(${LOCK_KEY});"
send "SELECT 'locked';"
if ! await locked; then
  echo "database session ended before the lock was granted" >&2
  exit 1
fi
echo "holding the singleton lock; migrating the database and starting: ${SINGLETONS}"

# Migrations run here: exactly once, and never concurrently.
compose run --rm scalelite-api bin/rake db:prepare
# shellcheck disable=SC2086 # SINGLETONS is a list of service names
compose up --detach ${SINGLETONS}

while true; do
  sleep "${HEARTBEAT_SECONDS}"
  send "SELECT 'alive';"
  line=''
  if ! read -r -t "${HEARTBEAT_SECONDS}" line <&"${from_db}" || [ "${line}" != alive ]; then
    echo "database session lost; stopping the singletons and contending again" >&2
    exit 1
  fi
done
