#!/bin/sh
# The platform agent: the one command the autoscaler's SSH key may run on this server.
# authorized_keys ties the key to it (restrict,command="{{ agentPath }}"), so sshd runs
# it whatever the client asks for and hands the request over in SSH_ORIGINAL_COMMAND.
# The agent knows a fixed list of verbs and refuses anything else, arguments included.
# It runs as the unprivileged user {{ agentUser }} and calls itself through sudo, which
# allows exactly this file, to act as root.
#
#   poweroff   power the operating system off (systemd stops every service first); the
#              autoscaler asks for it only once the server holds no meeting and no
#              unfinished recording, and asks IONOS to stop the VM once it is off.
set -eu

readonly VERBS="poweroff"
verb="${1:-${SSH_ORIGINAL_COMMAND:-}}"

case "$verb" in
  poweroff) ;;
  *)
    echo "unknown verb '$verb'; this agent knows: $VERBS" >&2
    exit 64
    ;;
esac

if [ "$(id -u)" -ne 0 ]; then
  exec sudo -n "$0" "$verb"
fi

case "$verb" in
  poweroff)
    # Without waiting: the answer reaches the autoscaler before sshd is stopped.
    systemctl poweroff --no-block
    echo "powering off"
    ;;
esac
