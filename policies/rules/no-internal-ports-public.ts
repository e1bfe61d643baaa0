import type { IConstruct } from 'constructs';
import { TerraformElement } from 'cdktf';
import { elementType, type ElementIndex } from '../inspect/elements';
import { firewallNicLan, isInternetFacing, lanVisibility, nicsOf, type FirewallRuleView } from '../inspect/network';
import { literalNumber, literalString, type Block } from '../inspect/values';
import { isInternetSource } from '../text/cidr';
import type { PolicyRule } from '../rule';

/** Ports that must never be reachable from the internet, with what listens there. */
export const INTERNAL_PORTS: ReadonlyMap<number, string> = new Map([
  [22, 'SSH'],
  [111, 'NFS rpcbind'],
  [2049, 'NFS'],
  [3000, 'Grafana'],
  [5432, 'PostgreSQL'],
  [6379, 'Redis'],
  [9090, 'Prometheus'],
  [9093, 'Alertmanager'],
  [9100, 'node_exporter'],
  [9115, 'blackbox_exporter'],
  [9464, 'autoscaler metrics'],
  [9688, 'bigbluebutton-exporter'],
]);

const PORTLESS_PROTOCOLS = new Set(['ICMP', 'ICMPV6', 'GRE', 'VRRP', 'ESP', 'AH']);

/** Internal ports an ingress rule lets in; an unset range means every port. */
export function exposedInternalPorts(rule: Block): number[] {
  const type = literalString(rule.type)?.toUpperCase() ?? 'INGRESS';
  const protocol = literalString(rule.protocol)?.toUpperCase() ?? 'ANY';
  if (type === 'EGRESS' || PORTLESS_PROTOCOLS.has(protocol)) return [];
  if (!isInternetSource(rule.source_ip)) return [];
  const start = literalNumber(rule.port_range_start);
  const end = literalNumber(rule.port_range_end) ?? start;
  const from = start ?? 1;
  const to = end ?? 65535;
  return [...INTERNAL_PORTS.keys()].filter((port) => port >= from && port <= to);
}

function describe(ports: number[]): string {
  return ports.map((port) => `${INTERNAL_PORTS.get(port)} (${port})`).join(', ');
}

function problems(rules: readonly FirewallRuleView[], where: string): string[] {
  return rules.flatMap(({ label, rule }) => {
    const ports = exposedInternalPorts(rule);
    if (ports.length === 0) return [];
    const source = literalString(rule.source_ip) || 'any source';
    return [`${label} on ${where} opens ${describe(ports)} to ${source}; allow only the admin CIDRs or the private LAN`];
  });
}

export const noInternalPortsPublic: PolicyRule = {
  id: 'NET-INTERNAL-PORTS',
  severity: 'error',
  reason:
    'SSH, Grafana, Prometheus, Alertmanager, the exporters, PostgreSQL, Redis and NFS are admin or internal services; exposed to the internet they are brute-forced or leak data',
  check(node: IConstruct, index: ElementIndex): string[] {
    if (!TerraformElement.isTerraformElement(node)) return [];
    const stack = node.cdktfStack;
    if (elementType(node) === 'ionoscloud_firewall') {
      const lan = firewallNicLan(node, index);
      if (lan !== undefined && !isInternetFacing(lan, index, stack)) return [];
      const where = lan === undefined ? 'a NIC whose LAN cannot be traced' : 'a public LAN';
      return problems([{ label: 'firewall rule', rule: index.body(node) }], where);
    }
    return nicsOf(node, index).flatMap((nic) => {
      const visibility = lanVisibility(nic.lan, index, stack);
      if (visibility === 'private') return [];
      const where = `${nic.label} (${visibility === 'public' ? 'public LAN' : 'LAN not traceable to a private ionoscloud_lan'})`;
      return problems(nic.firewallRules, where);
    });
  },
};
