#!/bin/bash
# platform-agent-job <verb> <job> <command> [<argument>...]
#
# One job of the platform agent ({{ agentPath }}), run by systemd-run as a unit of its
# own: runs the maintenance command, whose output beyond its result line goes to the
# journal, and keeps its result line, with the job and this boot added, and its exit
# code in {{ jobsDir }}/<verb>.result ("<job> <code>", then the line), where the agent
# answers from. While it runs, <verb>.running names the job.
set -euo pipefail

verb=$1
job=$2
shift 2
readonly JOBS_DIR="{{ jobsDir }}"

install -d -m 0700 "${JOBS_DIR}"
printf '%s\n' "${job}" >"${JOBS_DIR}/${verb}.running"

status=0
output=$("$@") || status=$?
line=$(tail -n 1 <<<"${output}")
if [[ ${line} != '{'*'}' ]]; then
  line="{\"verb\":\"${verb}\",\"result\":\"failed\",\"message\":\"${verb} printed no result line (exit ${status})\"}"
  ((status != 0)) || status=1
fi
line="${line%\}},\"job\":\"${job}\",\"bootId\":\"$(cat "{{ bootIdFile }}")\"}"

# The agent never reads a half-written result: it is written beside and renamed.
temporary=$(mktemp "${JOBS_DIR}/${verb}.result.XXXXXX")
printf '%s %s\n%s\n' "${job}" "${status}" "${line}" >"${temporary}"
mv -f "${temporary}" "${JOBS_DIR}/${verb}.result"
rm -f "${JOBS_DIR}/${verb}.running"
