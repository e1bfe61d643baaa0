#!/bin/bash
# platform-maintenance-window
#
# This VM's share of the nightly maintenance window, started by
# platform-maintenance.timer: security updates (platform-update), then a reboot
# when one is required (platform-reboot-if-required).
#
# On a Scalelite node (TIER_LOCK_KEY set) the nodes of the tier take turns behind
# the load balancer: a node holds PostgreSQL advisory lock TIER_LOCK_KEY for its
# whole turn, starts only when every node of the tier has answered its health
# check for STABLE_SECONDS in a row (so a node that has just rebooted is back
# first), and after updating without a reboot ends its turn only once it answers
# its own health check again. A node that reboots keeps the lock until it goes
# down; the next node then finds it unhealthy and waits for it.
set -euo pipefail

readonly VERB=maintenance-window
# shellcheck source=lib.sh
. "${PLATFORM_MAINTENANCE_LIB:-{{ libPath }}}"

readonly UPDATE="${PLATFORM_UPDATE:-{{ updateCommand }}}"
readonly REBOOT_IF_REQUIRED="${PLATFORM_REBOOT_IF_REQUIRED:-{{ rebootCommand }}}"
readonly TIER_LOCK_KEY='{{ tierLockKey }}'
readonly TIER_HEALTH_URLS='{{ tierHealthUrls }}'
readonly WAIT_HEALTHY="${WAIT_HEALTHY:-{{ waitHealthy }}}"
readonly DATABASE_ENV="${DATABASE_ENV:-{{ databaseEnv }}}"
readonly STABLE_SECONDS="${STABLE_SECONDS:-60}"
readonly TIER_WAIT_SECONDS="${TIER_WAIT_SECONDS:-900}"
readonly CHECK_SECONDS="${CHECK_SECONDS:-10}"

(($# == 0)) || usage_error "takes no arguments, got: $*"

failed() {
  log "$1"
  record_run 0
  write_patch_state || log "could not write the patch state"
  finish failed "message=$1"
}

# The systemd unit stops a turn that outlasts the window.
trap 'failed "the maintenance window ended before this server was done"' TERM

tier_healthy() {
  local url
  for url in ${TIER_HEALTH_URLS}; do
    [[ $(curl --silent --max-time 5 "${url}" || true) == success ]] || return 1
  done
}

wait_for_healthy_tier() {
  local waited=0 stable=0
  while ((stable < STABLE_SECONDS)); do
    if tier_healthy; then
      stable=$((stable + CHECK_SECONDS))
    else
      stable=0
    fi
    ((waited < TIER_WAIT_SECONDS)) || return 1
    sleep "${CHECK_SECONDS}"
    waited=$((waited + CHECK_SECONDS))
  done
}

take_tier_turn() {
  local database_url line
  database_url=$(sed -n 's/^DATABASE_URL=//p' "${DATABASE_ENV}")
  [[ -n ${database_url} ]] || failed "no DATABASE_URL in ${DATABASE_ENV}"
  coproc DB { exec psql "${database_url}" --no-psqlrc --quiet --tuples-only --no-align --set ON_ERROR_STOP=1; }
  exec {to_db}>&"${DB[1]}" {from_db}<&"${DB[0]}"
  printf '%s\n' "SET tcp_keepalives_idle = 30; SET tcp_keepalives_interval = 10; SET tcp_keepalives_count = 3;" \
    "SELECT pg_advisory_lock(${TIER_LOCK_KEY});" "SELECT 'turn';" >&"${to_db}"
  while read -r line <&"${from_db}"; do
    [[ ${line} != turn ]] || return 0
  done
  failed "the database session ended before this node's turn came"
}

if [[ -n ${TIER_LOCK_KEY} ]]; then
  log "waiting for this node's turn in the tier"
  take_tier_turn
  wait_for_healthy_tier || failed "the tier was not healthy for ${STABLE_SECONDS} s within ${TIER_WAIT_SECONDS} s; not updating this node"
fi

update_status=0
update=$("${UPDATE}") || update_status=$?
printf '%s\n' "${update}" >&2
((update_status == 0)) || failed "platform-update did not succeed (exit ${update_status}): ${update}"

reboot=$("${REBOOT_IF_REQUIRED}") || failed "platform-reboot-if-required did not succeed: ${reboot}"
printf '%s\n' "${reboot}" >&2
if [[ ${reboot} == *'"rebooting":true'* ]]; then
  log "rebooting; the next node waits until this one is healthy again"
  result_line ok rebooting=true
  # Keep the turn (and the lock) until the reboot stops this service.
  trap 'exit 0' TERM
  while true; do
    sleep 60 &
    wait $!
  done
fi

if [[ -n ${TIER_LOCK_KEY} ]]; then
  "${WAIT_HEALTHY}" >&2 || failed "this node did not answer its health check after the update"
fi
finish ok rebooting=false
