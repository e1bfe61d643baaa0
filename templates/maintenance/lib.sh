# shellcheck shell=bash
# Shared by the platform's maintenance commands (sourced, never run). Every command
# prints exactly one line on stdout, a JSON object the caller parses:
#   {"verb":"<verb>","result":"<result>",...}
# and exits with the code of its result:
#   0 ok         the command did what it was asked
#   1 failed     it tried and failed (a package did not install, a check failed):
#                the server needs a person
#   2 usage      the arguments were wrong; nothing was done
#   3 busy       another package or maintenance run holds a lock; nothing was
#                done, try again later
#   4 not-ready  the server is not set up yet (its first-boot setup has not
#                finished); nothing was done
# Progress and the output of apt and dpkg go to stderr (the journal).
#
# Paths can be overridden, to run the commands against a copy of the machine.

readonly STATE_DIR="${PLATFORM_STATE_DIR:-/var/lib/platform-maintenance}"
readonly LOCK_FILE="${PLATFORM_LOCK_FILE:-/run/platform-maintenance.lock}"
readonly TEXTFILE_DIR="${TEXTFILE_DIR:-{{ textfileDir }}}"
readonly PATCH_STATE_FILE="${TEXTFILE_DIR}/{{ patchStateFile }}"
readonly REBOOT_REQUIRED_FILE="${REBOOT_REQUIRED_FILE:-/var/run/reboot-required}"
# Written by the server's first-boot setup when it has finished; empty: always ready.
readonly READY_MARKER="${PLATFORM_READY_MARKER-{{ readyMarker }}}"
# How long apt waits for another process to release the dpkg lock before giving up.
readonly DPKG_LOCK_TIMEOUT_SECONDS="${DPKG_LOCK_TIMEOUT_SECONDS:-120}"
# BigBlueButton's own packages: the meta package and every bbb-* package it pins.
readonly BBB_PACKAGE='(bigbluebutton|bbb-[a-z0-9.+-]+)'

declare -A EXIT_CODES=([ok]=0 [failed]=1 [usage]=2 [busy]=3 [not-ready]=4)

log() {
  printf '%s: %s\n' "${VERB}" "$*" >&2
}

json_string() {
  local text=$1
  text=${text//\\/\\\\}
  text=${text//\"/\\\"}
  text=$(printf '%s' "${text}" | tr '\000-\037' ' ')
  printf '"%s"' "${text}"
}

# Prints the result line. Arguments after the result are key=value fields;
# integers and true/false are written as JSON numbers and booleans.
result_line() {
  local result=$1 field key value line
  shift
  line="{\"verb\":$(json_string "${VERB}"),\"result\":$(json_string "${result}")"
  for field in "$@"; do
    key=${field%%=*}
    value=${field#*=}
    if [[ ${value} =~ ^(0|[1-9][0-9]*|true|false)$ ]]; then
      line+=",$(json_string "${key}"):${value}"
    else
      line+=",$(json_string "${key}"):$(json_string "${value}")"
    fi
  done
  printf '%s}\n' "${line}"
}

# Prints the result line and exits with the result's code.
finish() {
  result_line "$@"
  exit "${EXIT_CODES[$1]}"
}

usage_error() {
  log "$1"
  finish usage "message=$1"
}

# A Debian version: [epoch:]upstream[-revision] (deb-version(7)).
readonly VERSION_PATTERN='^([0-9]+:)?[0-9][A-Za-z0-9.+~-]*$'

# Reads the one option the BigBlueButton-aware commands take, --bbb-version
# <version>, into BBB_VERSION; anything else is a usage error.
BBB_VERSION=''
read_bbb_version_option() {
  local usage=$1
  shift
  while (($# > 0)); do
    case $1 in
      --bbb-version)
        (($# >= 2)) || usage_error "--bbb-version needs a version, e.g. 1:3.0.12-1"
        [[ $2 =~ ${VERSION_PATTERN} ]] || usage_error "--bbb-version: not a package version: $2"
        # shellcheck disable=SC2034 # read by the command that sources this file
        BBB_VERSION=$2
        shift 2
        ;;
      *) usage_error "unknown argument: $1 (usage: ${usage})" ;;
    esac
  done
}

# One maintenance command at a time on this machine; a second one is told "busy".
take_lock() {
  install -d -m 0755 "$(dirname "${LOCK_FILE}")"
  exec {MAINTENANCE_LOCK_FD}>>"${LOCK_FILE}"
  if ! flock --nonblock "${MAINTENANCE_LOCK_FD}"; then
    log "another maintenance command is running"
    finish busy "message=another maintenance command is running"
  fi
}

require_ready() {
  if [[ -n ${READY_MARKER} && ! -e ${READY_MARKER} ]]; then
    log "the first-boot setup has not finished (${READY_MARKER} is missing)"
    finish not-ready "message=the first-boot setup has not finished"
  fi
}

# apt-get as the platform runs it: no questions, local changes to configuration
# files kept, a bounded wait for the dpkg lock, and no restarts by needrestart's
# apt hook (the commands restart services themselves, when the server is free).
platform_apt_get() {
  DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1 apt-get -q \
    -o "DPkg::Lock::Timeout=${DPKG_LOCK_TIMEOUT_SECONDS}" \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "$@"
}

# A simulation reads the package lists only: it needs no lock, so it never waits
# for (or blocks) a running installation.
simulate() {
  apt-get -q -s -o Debug::NoLocking=1 "$@"
}

# Runs a command with its output sent to the journal (stdout carries the result
# line only) and its errors also kept in APT_ERRORS.
APT_ERRORS=''
capture_errors() {
  local errors status=0
  errors=$(mktemp)
  { "$@" 2>"${errors}" || status=$?; } >&2
  APT_ERRORS=$(cat "${errors}")
  rm -f "${errors}"
  [[ -z ${APT_ERRORS} ]] || printf '%s\n' "${APT_ERRORS}" >&2
  return "${status}"
}

# apt and dpkg report a lock held by another process in these words
# (apt-pkg/contrib/fileutl.cc, apt-pkg/deb/debsystem.cc, dpkg's lock.c).
lock_was_held() {
  grep -qE 'Could not get lock|Unable to acquire the dpkg frontend lock|Unable to lock (the administration directory|directory)|lock was locked by another process' <<<"${APT_ERRORS}"
}

first_error() {
  local line
  line=$(grep -m1 -E '^(E|dpkg): ' <<<"${APT_ERRORS}" || true)
  printf '%s' "${line:-$1}"
}

# "Inst <package> [<installed>] (<candidate> <label>:<version>/<archive>, ... [<arch>])",
# the simulation line of apt-pkg/algorithms.cc (pkgSimulate::Describe).
upgrade_lines() {
  grep -E '^Inst ' || true
}

# A security update is one whose candidate comes from a *-security archive
# (jammy-security, or ESM's jammy-infra-security and jammy-apps-security).
security_lines() {
  grep -E '^Inst [^ ]+ .*\(.*/[a-z0-9-]+-security[,) ]' || true
}

package_names() {
  awk '{ print $2 }' | sed 's/:[a-z0-9]*$//'
}

count_lines() {
  grep -c . || true
}

# node_exporter's textfile collector reads every *.prom file in TEXTFILE_DIR; it
# must never see half a file, so the file is written beside it and renamed.
# When apt cannot plan, the file is left as it was (its age shows it).
write_patch_state() {
  local simulation plan pending security since=0 reboot=0 lists=0 temporary
  if ! simulation=$(simulate dist-upgrade 2>&1); then
    log "apt cannot plan the upgrade; the patch state stays as it was: $(grep -m1 '^E: ' <<<"${simulation}" || true)"
    return 1
  fi
  # BigBlueButton's packages follow the release the platform pins, not apt's candidate.
  plan=$(upgrade_lines <<<"${simulation}" | grep -vE "^Inst ${BBB_PACKAGE} " || true)
  pending=$(count_lines <<<"${plan}")
  security=$(security_lines <<<"${plan}" | count_lines)
  install -d -m 0755 "${STATE_DIR}" "${TEXTFILE_DIR}"
  if ((security > 0)); then
    [[ -s ${STATE_DIR}/security-pending-since ]] || date +%s >"${STATE_DIR}/security-pending-since"
    since=$(cat "${STATE_DIR}/security-pending-since")
  else
    rm -f "${STATE_DIR}/security-pending-since"
  fi
  [[ ! -e ${REBOOT_REQUIRED_FILE} ]] || reboot=1
  [[ ! -s ${STATE_DIR}/lists-updated ]] || lists=$(cat "${STATE_DIR}/lists-updated")
  temporary=$(mktemp "${PATCH_STATE_FILE}.XXXXXX")
  {
    metric platform_updates_pending 'Packages with a newer version available.' "${pending}"
    metric platform_security_updates_pending 'Packages with a newer version in a security archive.' "${security}"
    metric platform_security_updates_pending_since_timestamp_seconds \
      'Since when security updates have been pending on this server (0: none pending).' "${since}"
    metric platform_reboot_required 'Whether an installed update waits for a reboot (/var/run/reboot-required).' "${reboot}"
    metric platform_package_lists_updated_timestamp_seconds \
      'When the platform last refreshed the package lists (0: never).' "${lists}"
    if [[ -s ${STATE_DIR}/last-run ]]; then
      local run_time run_result
      read -r run_time run_result <"${STATE_DIR}/last-run"
      metric platform_maintenance_last_run_timestamp_seconds 'When the last maintenance run ended.' "${run_time}"
      metric platform_maintenance_last_run_success 'Whether the last maintenance run succeeded.' "${run_result}"
    fi
    if [[ -s ${STATE_DIR}/last-success ]]; then
      metric platform_maintenance_last_success_timestamp_seconds \
        'When the last successful maintenance run ended.' "$(cat "${STATE_DIR}/last-success")"
    fi
  } >"${temporary}"
  # node_exporter runs as nobody; mktemp creates the file for root only.
  chmod 0644 "${temporary}"
  mv -f "${temporary}" "${PATCH_STATE_FILE}"
}

metric() {
  printf '# HELP %s %s\n# TYPE %s gauge\n%s %s\n' "$1" "$2" "$1" "$1" "$3"
}

# Remembers how the last maintenance run ended (1 success, 0 failure) for the metrics.
record_run() {
  local now
  now=$(date +%s)
  install -d -m 0755 "${STATE_DIR}"
  echo "${now} $1" >"${STATE_DIR}/last-run"
  [[ $1 != 1 ]] || echo "${now}" >"${STATE_DIR}/last-success"
}

refresh_package_lists() {
  capture_errors platform_apt_get update || return 1
  install -d -m 0755 "${STATE_DIR}"
  date +%s >"${STATE_DIR}/lists-updated"
}
