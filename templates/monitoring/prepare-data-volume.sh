#!/bin/sh
# Formats (the first time only) and mounts the monitoring data volume at
# /var/lib/monitoring. IONOS attaches the volume once the server exists, so the disk
# may appear after boot: wait for it, for ten minutes at most.
set -eu

LABEL=monitoring-data
MOUNTPOINT=/var/lib/monitoring

root_disk=$(lsblk -no PKNAME "$(findmnt -no SOURCE /)")

data_disk() {
  for disk in $(lsblk -dnpo NAME,TYPE | awk '$2 == "disk" { print $1 }'); do
    if [ "$(basename "$disk")" != "$root_disk" ]; then
      echo "$disk"
      return 0
    fi
  done
  return 1
}

attempt=0
until disk=$(data_disk); do
  attempt=$((attempt + 1))
  if [ "$attempt" -ge 60 ]; then
    echo "prepare-data-volume: no data volume attached after 10 minutes" >&2
    exit 1
  fi
  sleep 10
done

fstype=$(blkid -o value -s TYPE "$disk" || true)
label=$(blkid -o value -s LABEL "$disk" || true)
if [ -z "$fstype" ]; then
  mkfs.ext4 -q -L "$LABEL" "$disk"
elif [ "$label" != "$LABEL" ]; then
  echo "prepare-data-volume: refusing $disk: it holds a $fstype filesystem labelled '$label', not $LABEL" >&2
  exit 1
fi

mkdir -p "$MOUNTPOINT"
grep -q "^LABEL=$LABEL " /etc/fstab || echo "LABEL=$LABEL $MOUNTPOINT ext4 defaults,nofail 0 2" >>/etc/fstab
mountpoint -q "$MOUNTPOINT" || mount "$MOUNTPOINT"

install -d -o 65534 -g 65534 "$MOUNTPOINT/prometheus" "$MOUNTPOINT/alertmanager"
install -d -o 472 -g 0 "$MOUNTPOINT/grafana"
install -d "$MOUNTPOINT/caddy"
