#!/bin/bash
# platform-update [--bbb-version <version>]
#
# Installs the pending security updates: every upgrade whose candidate comes from
# a *-security archive, and what those need, never removing a package. With
# --bbb-version, it then brings BigBlueButton to exactly that version of the
# `bigbluebutton` package, which depends on each bbb-* package at its own exact
# version, when the installed one differs. Services still running replaced
# libraries are restarted (needrestart -r a) when packages changed; a new kernel
# waits for platform-reboot-if-required.
#
# A security run never changes BigBlueButton's packages: the plan is simulated
# first, and a plan that would touch them is refused.
#
# Run it only on a server that carries no meeting. Output and exit codes: see
# /usr/local/lib/platform-maintenance/lib.sh. Fields: security (packages
# upgraded), bbbVersion (installed afterwards), bbbChanged, servicesRestarted,
# rebootRequired, message (on failure).
set -euo pipefail

readonly VERB=update
# shellcheck source=lib.sh
. "${PLATFORM_MAINTENANCE_LIB:-{{ libPath }}}"

read_bbb_version_option "platform-update [--bbb-version <version>]" "$@"
bbb_version=${BBB_VERSION}

take_lock
require_ready

installed_version() {
  dpkg-query -W -f='${Version}' "$1" 2>/dev/null || true
}

# Ends the run as failed (or busy, when another process held a lock) and says so
# in the metrics.
fail() {
  local result=failed
  if lock_was_held; then
    result=busy
  else
    record_run 0
  fi
  write_patch_state || log "could not write the patch state"
  finish "${result}" "message=$(first_error "$1")"
}

if [[ -n ${bbb_version} && -z $(installed_version bigbluebutton) ]]; then
  log "BigBlueButton is not installed"
  finish not-ready "message=BigBlueButton is not installed"
fi

refresh_package_lists || fail "could not refresh the package lists"

# An earlier run cut short (a power-off during an installation) leaves dpkg
# half done; apt refuses to install anything until it is finished.
capture_errors dpkg --configure -a || fail "could not finish an interrupted installation"

changed=false
if ! plan=$(simulate dist-upgrade 2>&1); then
  APT_ERRORS=${plan}
  fail "apt cannot plan the upgrade"
fi
security_packages=$(security_lines <<<"${plan}" | package_names | grep -vxE "${BBB_PACKAGE}" || true)
security_count=$(count_lines <<<"${security_packages}")
if ((security_count > 0)); then
  mapfile -t packages <<<"${security_packages}"
  log "security updates: ${packages[*]}"
  touched=$(simulate --no-remove install --only-upgrade "${packages[@]}" 2>&1 | upgrade_lines | package_names | grep -xE "${BBB_PACKAGE}" || true)
  if [[ -n ${touched} ]]; then
    APT_ERRORS=''
    fail "the security updates would change BigBlueButton packages: $(tr '\n' ' ' <<<"${touched}")"
  fi
  capture_errors platform_apt_get -y --no-remove install --only-upgrade "${packages[@]}" || fail "the security updates failed"
  changed=true
fi

bbb_changed=false
if [[ -n ${bbb_version} && $(installed_version bigbluebutton) != "${bbb_version}" ]]; then
  log "BigBlueButton $(installed_version bigbluebutton) -> ${bbb_version}"
  capture_errors platform_apt_get -y --no-remove install "bigbluebutton=${bbb_version}" || fail "BigBlueButton ${bbb_version} could not be installed"
  changed=true
  bbb_changed=true
fi

restarted=0
if [[ ${changed} == true ]]; then
  outdated=$(needrestart -b -r l 2>/dev/null | grep -c '^NEEDRESTART-SVC:' || true)
  if ((outdated > 0)); then
    log "restarting ${outdated} service(s) that still run replaced files"
    capture_errors needrestart -r a -q || fail "restarting services after the update failed"
    restarted=${outdated}
  fi
fi

record_run 1
write_patch_state || log "could not write the patch state"
reboot_required=false
[[ ! -e ${REBOOT_REQUIRED_FILE} ]] || reboot_required=true
finish ok "security=${security_count}" "bbbVersion=$(installed_version bigbluebutton)" "bbbChanged=${bbb_changed}" \
  "servicesRestarted=${restarted}" "rebootRequired=${reboot_required}"
