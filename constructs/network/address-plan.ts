/**
 * Fixed private addresses on the private LAN. IONOS' DHCP hands every NIC the
 * address set on it, so fixed addresses keep Prometheus targets, load balancer
 * targets and data service endpoints stable across server replacement.
 */
export const PRIVATE_CIDR = '10.20.0.0/16';
const PREFIX = '10.20';
const MASK = 16;

/** Hosts per /24 used for pools (1-250; the rest stays free for manual use). */
const HOSTS_PER_BLOCK = 250;
const BBB_FIRST_BLOCK = 10;

export const privateAddress = {
  natGateway: `${PREFIX}.0.1`,
  loadBalancer: `${PREFIX}.0.2`,
  monitoring: `${PREFIX}.0.10`,
  postgres: `${PREFIX}.3.10`,
  redis: `${PREFIX}.3.20`,
  nfs: `${PREFIX}.3.30`,
  scalelite: (index: number) => `${PREFIX}.1.${index}`,
  turn: (index: number) => `${PREFIX}.2.${index}`,
  bbb: (index: number) => {
    const block = BBB_FIRST_BLOCK + Math.floor((index - 1) / HOSTS_PER_BLOCK);
    return `${PREFIX}.${block}.${((index - 1) % HOSTS_PER_BLOCK) + 1}`;
  },
};

/** An address with the LAN's prefix length, as managed services and gateways expect it. */
export function withPrefix(address: string): string {
  return `${address}/${MASK}`;
}
