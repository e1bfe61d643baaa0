import type { IConstruct } from 'constructs';
import { TerraformElement } from 'cdktf';
import type { ElementIndex } from '../inspect/elements';
import { describeLan, lanVisibility, nicsOf, type NicView } from '../inspect/network';
import { literalBoolean, literalString } from '../inspect/values';
import type { PolicyRule } from '../rule';

/** Firewall types that filter inbound traffic; unset means INGRESS. EGRESS filters only what leaves the NIC. */
const INBOUND_FILTERING_TYPES = new Set(['INGRESS', 'BIDIRECTIONAL']);

function firewallProblem(nic: NicView): string | undefined {
  if (literalBoolean(nic.firewallActive) !== true) return 'firewall_active is not true';
  if (nic.firewallType === undefined || nic.firewallType === null) return undefined;
  const type = literalString(nic.firewallType)?.toUpperCase();
  if (type === undefined) return 'firewall_type is computed, so inbound filtering cannot be verified';
  return INBOUND_FILTERING_TYPES.has(type) ? undefined : `firewall_type is ${type}, so inbound traffic is not filtered`;
}

export const nicFirewallActive: PolicyRule = {
  id: 'NET-FIREWALL-ACTIVE',
  severity: 'error',
  reason: 'without an active firewall that filters inbound traffic an IONOS NIC on a public LAN accepts traffic on every port (default-deny networking)',
  check(node: IConstruct, index: ElementIndex): string[] {
    if (!TerraformElement.isTerraformElement(node)) return [];
    return nicsOf(node, index).flatMap((nic) => {
      const visibility = lanVisibility(nic.lan, index, node.cdktfStack);
      if (visibility === 'private') return [];
      const problem = firewallProblem(nic);
      if (!problem) return [];
      return [`${nic.label} is on a ${describeLan(visibility)} but ${problem}`];
    });
  },
};
