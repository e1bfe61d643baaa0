#!/bin/bash
# bbb-platform-check [--bbb-version <version>]
#
# Whether this BigBlueButton server is fit to take meetings again after
# maintenance: its API answers SUCCESS at its public name (nginx, the
# certificate and bbb-web together), `bbb-conf --check` lists no potential
# problem, and, with --bbb-version, the installed `bigbluebutton` package is that
# version. bbb-conf --check exits 0 whatever it finds (bigbluebutton-config/bin/bbb-conf,
# check_state); its findings are the lines after "# Potential problems described
# below", so this command reads them. Right after a reboot BigBlueButton needs a
# minute or two: callers retry a failed check for a while before they give up.
#
# Output and exit codes: see /usr/local/lib/platform-maintenance/lib.sh.
# Fields: api, bbbConfFindings (lines of findings), bbbVersion, problem (the first).
set -euo pipefail

readonly VERB=check
# shellcheck source=lib.sh
. "${PLATFORM_MAINTENANCE_LIB:-{{ libPath }}}"

readonly API_URL="${BBB_API_URL:-{{ apiUrl }}}"
readonly PROBLEMS_HEADER='# Potential problems described below'

read_bbb_version_option "bbb-platform-check [--bbb-version <version>]" "$@"
expected_version=${BBB_VERSION}

take_lock
require_ready

problem=''
note() {
  [[ -n ${problem} ]] || problem=$1
  log "$1"
}

api=false
if curl -fsS --max-time 10 "${API_URL}" 2>/dev/null | grep -q '<returncode>SUCCESS</returncode>'; then
  api=true
else
  note "the BigBlueButton API does not answer SUCCESS at ${API_URL}"
fi

# Everything after the header but blank lines, bare "#" and the dots it prints
# while it waits for the API is a finding.
report=$(bbb-conf --check 2>&1) && status=0 || status=$?
findings=$(sed -n "/^${PROBLEMS_HEADER}\$/,\$p" <<<"${report}" | tail -n +2 | grep -vxE '[[:space:]]*|#[[:space:]]*|\.+' || true)
finding_lines=$(count_lines <<<"${findings}")
if ! grep -qx "${PROBLEMS_HEADER}" <<<"${report}"; then
  note "bbb-conf --check (exit ${status}) printed no findings section"
elif ((status != 0)); then
  note "bbb-conf --check failed (exit ${status}): $(head -n 1 <<<"${findings}")"
elif ((finding_lines > 0)); then
  note "bbb-conf --check: $(head -n 1 <<<"${findings}")"
fi

version=$(dpkg-query -W -f='${Version}' bigbluebutton 2>/dev/null || true)
if [[ -n ${expected_version} && ${version} != "${expected_version}" ]]; then
  note "BigBlueButton is ${version:-not installed}, expected ${expected_version}"
fi

result=ok
[[ -z ${problem} ]] || result=failed
finish "${result}" "api=${api}" "bbbConfFindings=${finding_lines}" "bbbVersion=${version}" ${problem:+"problem=${problem}"}
