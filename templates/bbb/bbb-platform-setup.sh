#!/bin/bash
# Setup of a BigBlueButton pool server: install BigBlueButton with the official
# installer of the configured release, set the API secret Terraform generated, hook
# the server into Scalelite's recording transfer and start the Prometheus exporters.
# bbb-platform-setup.service runs it until it succeeds, so every step must be safe
# to repeat; success is marked last, so an attempt that fails anywhere is retried.
set -euo pipefail

CONFIG_DIR=/etc/bbb-platform
# shellcheck source=/dev/null
. "$CONFIG_DIR/setup.env"

RECORDINGS_MOUNT=/mnt/scalelite-recordings
BBB_SCRIPTS=/usr/local/bigbluebutton/core/scripts
# Scalelite's documented GID for the spool group shared over NFS.
SPOOL_GID=2000
DONE_MARKER='{{ doneMarker }}'
VERIFY_SCRIPT='{{ verifyScript }}'

log() {
  echo "bbb-platform-setup: $*"
}

# Let's Encrypt validates over HTTP: the public name must point here first.
wait_for_dns() {
  local attempt
  for attempt in $(seq 1 60); do
    if getent ahostsv4 "$BBB_HOSTNAME" >/dev/null; then
      return 0
    fi
    log "waiting for DNS of $BBB_HOSTNAME (attempt $attempt)"
    sleep 10
  done
  log "DNS name $BBB_HOSTNAME does not resolve"
  return 1
}

# An attempt cut short (a reboot during the installation) can leave packages
# unpacked but not configured, and apt refuses to install anything until they are.
finish_interrupted_packages() {
  dpkg --configure -a
}

install_bigbluebutton() {
  local installer=/root/bbb-install.sh
  local url="https://raw.githubusercontent.com/bigbluebutton/bbb-install/$BBB_INSTALL_COMMIT/bbb-install.sh"
  curl -fsSL --retry 5 --retry-delay 10 -o "$installer" "$url"
  local args=(-v "$BBB_INSTALL_VERSION" -s "$BBB_HOSTNAME" -e "$ACME_EMAIL")
  if [ -n "$TURN_HOSTNAME" ]; then
    args+=(-c "$TURN_HOSTNAME:$TURN_SECRET")
  fi
  log "installing BigBlueButton $BBB_INSTALL_VERSION"
  bash "$installer" "${args[@]}"
  bbb-conf --setsecret "$BBB_SECRET"
}

# The installer's -c names one TURN server; the platform's list names all of them.
install_turn_servers() {
  if [ -f "$CONFIG_DIR/turn-stun-servers.xml" ]; then
    install -m 0640 -o root -g bigbluebutton "$CONFIG_DIR/turn-stun-servers.xml" /etc/bigbluebutton/turn-stun-servers.xml
  fi
}

setup_recording_transfer() {
  if [ -z "$RECORDINGS_NFS_SOURCE" ]; then
    log "recordings disabled: no recording transfer"
    return 0
  fi
  getent group scalelite-spool >/dev/null || groupadd -g "$SPOOL_GID" scalelite-spool
  usermod -a -G scalelite-spool bigbluebutton
  mkdir -p "$RECORDINGS_MOUNT"
  if ! grep -q " $RECORDINGS_MOUNT " /etc/fstab; then
    echo "$RECORDINGS_NFS_SOURCE $RECORDINGS_MOUNT nfs4 $RECORDINGS_MOUNT_OPTIONS 0 0" >>/etc/fstab
  fi
  mountpoint -q "$RECORDINGS_MOUNT" || mount "$RECORDINGS_MOUNT"
  curl -fsSL --retry 5 --retry-delay 10 \
    -o "$BBB_SCRIPTS/post_publish/scalelite_post_publish.rb" \
    "https://raw.githubusercontent.com/blindsidenetworks/scalelite/$SCALELITE_RELEASE/bigbluebutton/scalelite_post_publish.rb"
  install -m 0644 "$CONFIG_DIR/scalelite.yml" "$BBB_SCRIPTS/scalelite.yml"
  mkdir -p /var/bigbluebutton/recording/scalelite
  chown bigbluebutton:bigbluebutton /var/bigbluebutton/recording/scalelite
}

# The installer brings Docker (BigBlueButton converts documents in a container);
# the compose plugin comes from the same repository.
start_exporters() {
  if ! command -v docker >/dev/null; then
    apt-get install -y docker.io
  fi
  if ! docker compose version >/dev/null 2>&1; then
    apt-get install -y docker-compose-plugin || apt-get install -y docker-compose-v2
  fi
  docker compose -p exporters -f "$CONFIG_DIR/exporters.compose.yml" up -d
}

mark_done() {
  mkdir -p "$(dirname "$DONE_MARKER")"
  date --iso-8601=seconds >"$DONE_MARKER"
}

main() {
  wait_for_dns
  finish_interrupted_packages
  install_bigbluebutton
  install_turn_servers
  setup_recording_transfer
  bbb-conf --restart
  start_exporters
  "$VERIFY_SCRIPT" "$BBB_HOSTNAME"
  mark_done
  log "done"
}

main "$@"
