#!/bin/sh
# IONOS attaches a server's second NIC (the private LAN) after the server exists,
# and cloud-init writes network config only for the NICs present at first boot.
# This brings up every Ethernet NIC that has no netplan entry yet, with DHCP (IONOS'
# DHCP hands out the fixed address set on the NIC) and without taking over the
# default route. Idempotent; run at boot and every minute by a systemd timer.
set -eu

NETPLAN_DIR="${NETPLAN_DIR:-/etc/netplan}"
SYS_NET="${SYS_NET:-/sys/class/net}"
PRIVATE_NETWORK='{{ privateNetwork }}'
# The NAT gateway, on machines whose only NIC is private (empty on the others).
DEFAULT_GATEWAY='{{ defaultGateway }}'
changed=0

# Netplan files readable by root only (netplan warns about wider modes).
write_netplan() {
  umask 077
  cat > "$1"
  changed=1
}

for path in "$SYS_NET"/*; do
  nic=$(basename "$path")
  case "$nic" in
    en*|eth*) ;;
    *) continue ;;
  esac
  if grep -qs -- "$nic" "$NETPLAN_DIR"/*.yaml; then
    continue
  fi
  write_netplan "$NETPLAN_DIR/60-$nic.yaml" <<NETPLAN
network:
  version: 2
  ethernets:
    $nic:
      dhcp4: true
      dhcp4-overrides:
        use-routes: false
NETPLAN
done

# The platform's fixed private addresses span PRIVATE_NETWORK, whatever prefix
# IONOS' DHCP announces for the LAN (a /24 around the address): a link route for the
# whole network keeps every tier reachable from every other. A machine without a
# public NIC also gets its default route here, through the NAT gateway and on-link
# for the same reason. Declared in netplan, systemd-networkd owns the route: a route
# added by hand is foreign to it and removed when networkd reconfigures the link
# (ManageForeignRoutes=yes by default, networkd.conf(5)), as `netplan apply` does.
default_route=''
if [ -n "$DEFAULT_GATEWAY" ]; then
  default_route="
        - to: default
          via: $DEFAULT_GATEWAY
          on-link: true"
fi
for nic in $(ip -o -4 addr show to "$PRIVATE_NETWORK" | awk '{ print $2 }' | sort -u); do
  file="$NETPLAN_DIR/61-$nic-private-network.yaml"
  if [ -f "$file" ]; then
    continue
  fi
  write_netplan "$file" <<NETPLAN
network:
  version: 2
  ethernets:
    $nic:
      routes:
        - to: $PRIVATE_NETWORK
          scope: link
          metric: 50$default_route
NETPLAN
done

if [ "$changed" -eq 1 ]; then
  netplan apply
fi
