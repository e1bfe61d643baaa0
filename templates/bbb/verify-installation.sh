#!/bin/bash
# Whether this BigBlueButton server is installed and serving. bbb-platform-setup marks
# a server done only when this passes, and operators run it to see the same:
#   sudo /usr/local/sbin/bbb-platform-verify bbb-03.<domain>
# bbb-install.sh is run the way its README and BigBlueButton's own CI run it (by
# bash, which ignores its `#!/bin/bash -ex` line), so a step that fails inside it
# need not fail the installer; what counts is the result, checked here.
set -euo pipefail

readonly HOST="${1:?usage: bbb-platform-verify <host name>}"
problems=0

problem() {
  echo "bbb-platform-verify: $*" >&2
  problems=$((problems + 1))
}

# Packages unpacked but not configured (an apt step that failed) are listed here.
audit="$(dpkg --audit 2>&1 || true)"
if [ -n "${audit}" ]; then
  problem "packages not fully installed:"
  printf '%s\n' "${audit}" >&2
fi

# bbb-conf --check exits 0 whatever it finds; it reports what breaks the server as
# "# Error: ..." and "# Not running: ..." lines, and lesser findings as warnings
# (bigbluebutton-config/bin/bbb-conf, check_state).
if report="$(bbb-conf --check 2>&1)"; then
  errors="$(printf '%s\n' "${report}" | grep -E '^# (Error|Not running)' || true)"
  if [ -n "${errors}" ]; then
    problem "bbb-conf --check reports:"
    printf '%s\n' "${errors}" >&2
  fi
else
  problem "bbb-conf --check failed:"
  printf '%s\n' "${report}" >&2
fi

# The API as Scalelite and the autoscaler call it: HTTPS with a certificate that verifies.
if ! curl --fail --silent --show-error --max-time 20 "https://${HOST}/bigbluebutton/api" | grep -q '<returncode>SUCCESS</returncode>'; then
  problem "https://${HOST}/bigbluebutton/api does not answer SUCCESS"
fi

if [ "${problems}" -gt 0 ]; then
  exit 1
fi
echo "bbb-platform-verify: ${HOST} is installed and serving"
