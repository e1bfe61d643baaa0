/**
 * Where the rules of an IONOS network security group apply. An `ionoscloud_nsg`'s
 * rules (`ionoscloud_nsg_firewallrule`) filter the traffic of every NIC that lists the
 * group in its `security_groups_ids`, of every NIC of a server that lists it, and,
 * once an `ionoscloud_datacenter_nsg_selection` makes it the datacenter's default, of
 * every VM created in the datacenter. A group is traced only through a plain
 * reference to its `id`; a literal id or a data source names rules the policy pack
 * cannot read.
 */
import type { TerraformElement } from 'cdktf';
import { soleToken, type ElementIndex } from './elements';
import { allNics, describeLan, lanVisibility, type NicView } from './network';
import { literalString } from './values';

function groupOf(value: unknown, index: ElementIndex, from: TerraformElement): TerraformElement | undefined {
  return index.idReference(value, from.cdktfStack, 'ionoscloud_nsg');
}

/** The entries of a `security_groups_ids` argument; a list Terraform computes is one entry. */
function entries(groups: unknown): unknown[] {
  if (groups === undefined || groups === null) return [];
  return Array.isArray(groups) && soleToken(groups) === undefined ? groups : [groups];
}

function mentions(value: unknown, group: TerraformElement, from: TerraformElement, index: ElementIndex): boolean {
  return index.references(value, from.cdktfStack).some(({ element }) => element === group);
}

/** How many of the groups filtering a NIC are not traceable to an `ionoscloud_nsg`. */
export function untraceableGroups(nic: NicView, index: ElementIndex): number {
  return nic.securityGroups.flatMap(entries).filter((entry) => !groupOf(entry, index, nic.owner)).length;
}

/**
 * Where the group of an `ionoscloud_nsg_firewallrule` faces the internet, for messages,
 * or undefined when only NICs on private LANs use it. A group nothing here uses counts
 * as facing the internet: it can be attached to any NIC later.
 */
export function securityGroupExposure(rule: TerraformElement, index: ElementIndex): string | undefined {
  const group = groupOf(index.body(rule).nsg_id, index, rule);
  if (!group) return 'a security group not traceable to an ionoscloud_nsg';
  const name = literalString(index.body(group).name);
  const label = name ? `security group '${name}'` : 'a security group';
  const selections = index.ofType('ionoscloud_datacenter_nsg_selection');
  if (selections.some((selection) => mentions(index.body(selection).nsg_id, group, selection, index))) {
    return `${label} (the datacenter's default for every VM)`;
  }
  const members = allNics(index).filter((nic) => nic.securityGroups.some((groups) => mentions(groups, group, nic.owner, index)));
  if (members.length === 0) return `${label} (used by no NIC or server here, so it may be attached anywhere)`;
  for (const nic of members) {
    const visibility = lanVisibility(nic.lan, index, nic.owner.cdktfStack);
    if (visibility !== 'private') return `${label} of ${nic.label} on ${nic.owner.node.path} (${describeLan(visibility)})`;
  }
  return undefined;
}
