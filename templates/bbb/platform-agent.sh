#!/bin/sh
# The platform agent: the one command the autoscaler's SSH key may run on this server.
# authorized_keys ties the key to it (restrict,command="{{ agentPath }}"), so sshd runs
# it whatever the client asks for and hands the request over in SSH_ORIGINAL_COMMAND.
# The agent knows a fixed list of verbs and the exact arguments each takes, and refuses
# anything else (exit 64). It runs as the unprivileged user {{ agentUser }} and calls
# itself through sudo, which allows exactly this file, to act as root; as root it checks
# the request again before it acts.
#
#   poweroff                          power the operating system off (systemd stops every
#                                     service first); asked only once the server holds no
#                                     meeting and no unfinished recording
#   update <job> [--bbb-version <v>]  platform-update, as job <job>
#   check <job> [--bbb-version <v>]   bbb-platform-check, as job <job>
#   reboot-if-required                platform-reboot-if-required, at once
#
# A job runs as a systemd unit of its own (systemd-run), so it outlives the connection and
# a caller that dies: the first request for a job starts it and answers "started", later
# ones answer "running" (naming the job that runs) until it ends, then its result line,
# as often as asked. The answers are the maintenance commands' result lines
# (/usr/local/lib/platform-maintenance/lib.sh) with the job and the boot they come from
# ("job", "bootId") added, and their exit codes: 0 ok, 1 failed, 2 usage, 3 busy,
# 4 not-ready, and 5 while a job is started or running.
set -eu

readonly VERBS="poweroff update check reboot-if-required"
readonly JOBS_DIR="{{ jobsDir }}"
readonly BOOT_ID_FILE="{{ bootIdFile }}"
readonly JOB_RUNNER="{{ jobRunner }}"
readonly UPDATE="{{ updateCommand }}"
readonly CHECK="{{ checkCommand }}"
readonly REBOOT_IF_REQUIRED="{{ rebootCommand }}"
readonly JOB_PATTERN='^[0-9]{1,16}$'
# A Debian version: [epoch:]upstream[-revision] (deb-version(7)), as the commands take it.
readonly VERSION_PATTERN='^([0-9]+:)?[0-9][A-Za-z0-9.+~-]*$'
readonly RUNNING=5

refuse() {
  echo "$1" >&2
  exit 64
}

matches() {
  printf '%s' "$1" | grep -Eq "$2"
}

# The request as words; never expanded as a pattern.
if [ "$#" -eq 0 ]; then
  request="${SSH_ORIGINAL_COMMAND:-}"
  set -f
  # shellcheck disable=SC2086 # split into words on purpose; globbing is off
  set -- $request
  set +f
else
  request="$*"
fi

verb="${1:-}"
case "$verb" in
  poweroff | reboot-if-required)
    [ "$#" -eq 1 ] || refuse "'$request': $verb takes no arguments"
    ;;
  update | check)
    usage="$verb <job> [--bbb-version <version>]"
    [ "$#" -eq 2 ] || [ "$#" -eq 4 ] || refuse "'$request': usage: $usage"
    matches "$2" "$JOB_PATTERN" || refuse "'$request': the job is a number of up to 16 digits; usage: $usage"
    if [ "$#" -eq 4 ]; then
      [ "$3" = --bbb-version ] || refuse "'$request': usage: $usage"
      matches "$4" "$VERSION_PATTERN" || refuse "'$request': not a package version: $4"
    fi
    ;;
  *)
    refuse "unknown verb '$request'; this agent knows: $VERBS"
    ;;
esac

if [ "$(id -u)" -ne 0 ]; then
  exec sudo -n "$0" "$@"
fi

# A result line with the job and this boot added ("job" only when given).
answer() {
  line=$1
  job=$2
  case "$line" in
    '{'*'}') line=${line%?} ;;
    *) line="{\"verb\":\"$verb\",\"result\":\"failed\",\"message\":\"$verb printed no result line\"" ;;
  esac
  [ -z "$job" ] || line="$line,\"job\":\"$job\""
  printf '%s,"bootId":"%s"}\n' "$line" "$(cat "$BOOT_ID_FILE")"
}

# The job's result once it has ended; otherwise the job that runs, or a new one started.
run_job() {
  job=$1
  shift
  result="$JOBS_DIR/$verb.result"
  unit="platform-agent-$verb"
  install -d -m 0700 "$JOBS_DIR"
  for attempt in first second; do
    if [ -s "$result" ]; then
      read -r ended code <"$result"
      if [ "$ended" = "$job" ]; then
        sed -n 2p "$result"
        exit "$code"
      fi
    fi
    # A job that ends between the two looks is found by the second.
    if [ "$attempt" = first ] && systemctl is-active --quiet "$unit.service"; then
      answer "{\"verb\":\"$verb\",\"result\":\"running\"}" "$(cat "$JOBS_DIR/$verb.running" 2>/dev/null || echo "$job")"
      exit "$RUNNING"
    fi
  done
  if ! systemd-run --unit="$unit" --collect --quiet --description="platform agent: $verb, job $job" "$JOB_RUNNER" "$verb" "$job" "$@"; then
    # Another request started one at the same moment: the unit exists.
    answer "{\"verb\":\"$verb\",\"result\":\"running\"}" "$(cat "$JOBS_DIR/$verb.running" 2>/dev/null || echo "$job")"
    exit "$RUNNING"
  fi
  answer "{\"verb\":\"$verb\",\"result\":\"started\"}" "$job"
  exit "$RUNNING"
}

case "$verb" in
  poweroff)
    # Without waiting: the answer reaches the autoscaler before sshd is stopped.
    systemctl poweroff --no-block
    echo "powering off"
    ;;
  reboot-if-required)
    status=0
    line=$("$REBOOT_IF_REQUIRED") || status=$?
    answer "$line" ""
    exit "$status"
    ;;
  update)
    run_job "$2" "$UPDATE" ${3:+"$3" "$4"}
    ;;
  check)
    run_job "$2" "$CHECK" ${3:+"$3" "$4"}
    ;;
esac
