#!/bin/bash
# platform-reboot-if-required
#
# Reboots the server when an installed update asks for it: Ubuntu's packages
# (the kernel, the C library, ...) create /var/run/reboot-required and list
# themselves in /var/run/reboot-required.pkgs. The reboot is scheduled one minute
# ahead (shutdown -r +1, cancel with shutdown -c), so the result line reaches the
# caller before the connection drops; the caller then waits for the server to
# come back and runs the check.
#
# Run it only on a server that carries no meeting. Output and exit codes: see
# /usr/local/lib/platform-maintenance/lib.sh. Fields: rebooting, packages (those
# that asked for it, comma-separated).
set -euo pipefail

readonly VERB=reboot-if-required
# shellcheck source=lib.sh
. "${PLATFORM_MAINTENANCE_LIB:-{{ libPath }}}"

(($# == 0)) || usage_error "takes no arguments, got: $*"
take_lock

if [[ ! -e ${REBOOT_REQUIRED_FILE} ]]; then
  finish ok rebooting=false
fi

packages=''
if [[ -r ${REBOOT_REQUIRED_FILE}.pkgs ]]; then
  packages=$(sort -u "${REBOOT_REQUIRED_FILE}.pkgs" | paste -sd, -)
fi
log "rebooting in a minute for: ${packages:-an update}"
if ! capture_errors shutdown -r +1 "platform maintenance: ${packages:-reboot required}"; then
  record_run 0
  finish failed "message=$(first_error 'shutdown refused to schedule the reboot')"
fi
finish ok rebooting=true "packages=${packages}"
