import type { IConstruct } from 'constructs';
import { TerraformElement } from 'cdktf';
import type { ElementIndex } from '../inspect/elements';
import { lanVisibility, nicsOf } from '../inspect/network';
import { literalBoolean } from '../inspect/values';
import type { PolicyRule } from '../rule';

export const nicFirewallActive: PolicyRule = {
  id: 'NET-FIREWALL-ACTIVE',
  severity: 'error',
  reason: 'without an active firewall an IONOS NIC on a public LAN accepts traffic on every port (default-deny networking)',
  check(node: IConstruct, index: ElementIndex): string[] {
    if (!TerraformElement.isTerraformElement(node)) return [];
    return nicsOf(node, index).flatMap((nic) => {
      const visibility = lanVisibility(nic.lan, index, node.cdktfStack);
      if (visibility === 'private' || literalBoolean(nic.firewallActive) === true) return [];
      const lan = visibility === 'public' ? 'a public LAN' : 'a LAN not traceable to a private ionoscloud_lan';
      return [`${nic.label} is on ${lan} but firewall_active is not true`];
    });
  },
};
