#!/bin/bash
# platform-patch-state
#
# Writes this server's patch state for node_exporter's textfile collector
# (pending updates, pending security updates and since when, reboot required,
# the last maintenance run). The package lists are refreshed first when they are
# older than LISTS_MAX_AGE_SECONDS: a list refresh downloads indexes only and
# installs nothing. Runs from platform-patch-state.timer; when a maintenance
# command holds the lock, this run is skipped (that command writes the state
# itself when it ends).
set -euo pipefail

readonly VERB=patch-state
# shellcheck source=lib.sh
. "${PLATFORM_MAINTENANCE_LIB:-{{ libPath }}}"

readonly LISTS_MAX_AGE_SECONDS="${LISTS_MAX_AGE_SECONDS:-43200}"

install -d -m 0755 "$(dirname "${LOCK_FILE}")"
exec {lock}>>"${LOCK_FILE}"
if ! flock --nonblock "${lock}"; then
  log "a maintenance command is running; it writes the state when it ends"
  exit 0
fi

updated=0
[[ ! -s ${STATE_DIR}/lists-updated ]] || updated=$(cat "${STATE_DIR}/lists-updated")
if (($(date +%s) - updated > LISTS_MAX_AGE_SECONDS)); then
  refresh_package_lists || log "the package lists could not be refreshed; the state uses the old ones"
fi
write_patch_state
