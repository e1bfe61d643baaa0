#!/bin/sh
# IONOS attaches a server's second NIC (the private LAN) after the server exists,
# and cloud-init writes network config only for the NICs present at first boot.
# This brings up every Ethernet NIC that has no netplan entry yet, with DHCP (IONOS'
# DHCP hands out the fixed address set on the NIC) and without taking over the
# default route. Idempotent; run at boot and every minute by a systemd timer.
set -eu

NETPLAN_DIR=/etc/netplan
changed=0

for path in /sys/class/net/*; do
  nic=$(basename "$path")
  case "$nic" in
    en*|eth*) ;;
    *) continue ;;
  esac
  if grep -qs -- "$nic" "$NETPLAN_DIR"/*.yaml; then
    continue
  fi
  file="$NETPLAN_DIR/60-$nic.yaml"
  umask 077
  cat > "$file" <<NETPLAN
network:
  version: 2
  ethernets:
    $nic:
      dhcp4: true
      dhcp4-overrides:
        use-routes: false
NETPLAN
  changed=1
done

if [ "$changed" -eq 1 ]; then
  netplan apply
fi
