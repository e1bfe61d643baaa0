import type { IConstruct } from 'constructs';
import { TerraformElement, type TerraformStack } from 'cdktf';
import { elementType, type ElementIndex } from '../inspect/elements';
import { forwardingOf, type Forwarding } from '../inspect/load-balancers';
import { describeLan, firewallNicLan, isInternetFacing, lanVisibility, nicsOf, type FirewallRuleView } from '../inspect/network';
import { securityGroupExposure, untraceableGroups } from '../inspect/security-groups';
import { isInternetSource } from '../inspect/sources';
import { isExpression, literalNumber, literalString, type Block } from '../inspect/values';
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

/** Internal ports an ingress rule lets in from the internet; an unset range means every port. */
function exposedInternalPorts(rule: Block, index: ElementIndex, stack: TerraformStack): number[] {
  const type = literalString(rule.type)?.toUpperCase() ?? 'INGRESS';
  const protocol = literalString(rule.protocol)?.toUpperCase() ?? 'ANY';
  if (type === 'EGRESS' || PORTLESS_PROTOCOLS.has(protocol)) return [];
  if (!isInternetSource(rule.source_ip, index, stack)) return [];
  const start = literalNumber(rule.port_range_start);
  const end = literalNumber(rule.port_range_end) ?? start;
  const from = start ?? 1;
  const to = end ?? 65535;
  return [...INTERNAL_PORTS.keys()].filter((port) => port >= from && port <= to);
}

function describe(ports: number[]): string {
  return ports.map((port) => `${INTERNAL_PORTS.get(port)} (${port})`).join(', ');
}

function describeSource(sourceIp: unknown): string {
  if (isExpression(sourceIp)) return 'a computed source that is not an address of the platform';
  return literalString(sourceIp) || 'any source';
}

function problems(rules: readonly FirewallRuleView[], where: string, index: ElementIndex, stack: TerraformStack): string[] {
  return rules.flatMap(({ label, rule }) => {
    const ports = exposedInternalPorts(rule, index, stack);
    if (ports.length === 0) return [];
    return [`${label} on ${where} opens ${describe(ports)} to ${describeSource(rule.source_ip)}; allow only the admin CIDRs or the private LAN`];
  });
}

function nicProblems(node: TerraformElement, index: ElementIndex): string[] {
  return nicsOf(node, index).flatMap((nic) => {
    const visibility = lanVisibility(nic.lan, index, node.cdktfStack);
    if (visibility === 'private') return [];
    const where = `${nic.label} (${describeLan(visibility)})`;
    const found = problems(nic.firewallRules, where, index, node.cdktfStack);
    if (untraceableGroups(nic, index) === 0) return found;
    return [`${where} takes rules from a security group not traceable to an ionoscloud_nsg, so they cannot be checked`, ...found];
  });
}

function forwardingProblems({ listenerLan, ports }: Forwarding): string[] {
  if (listenerLan === 'private') return [];
  const listener = `a listener on a ${describeLan(listenerLan)}`;
  return ports.flatMap(({ port, via }) => {
    if (port === undefined) return [`cannot tell what ${listener} reaches: ${via}`];
    return INTERNAL_PORTS.has(port) ? [`opens ${describe([port])} through ${listener} (${via}); publish only the public services`] : [];
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
    const type = elementType(node);
    if (type === 'ionoscloud_firewall') {
      const lan = firewallNicLan(node, index);
      if (lan !== undefined && !isInternetFacing(lan, index, stack)) return [];
      const where = lan === undefined ? 'a NIC whose LAN cannot be traced' : 'a public LAN';
      return problems([{ label: 'firewall rule', rule: index.body(node) }], where, index, stack);
    }
    if (type === 'ionoscloud_nsg_firewallrule') {
      const where = securityGroupExposure(node, index);
      if (!where) return [];
      const name = literalString(index.body(node).name);
      const label = name ? `security group rule '${name}'` : 'security group rule';
      return problems([{ label, rule: index.body(node) }], where, index, stack);
    }
    const forwarding = forwardingOf(node, index);
    return forwarding ? forwardingProblems(forwarding) : nicProblems(node, index);
  },
};
