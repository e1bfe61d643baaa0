/**
 * Which NICs face the internet, and their firewall rules. IONOS NICs live on a LAN;
 * a LAN with `public = true` is the internet. A LAN counts as private only when the
 * argument is a plain reference to the id of an `ionoscloud_lan` (directly or
 * through locals) whose `public` is false or unset. Anything else counts as public:
 * a literal id, a data source or a variable, and an expression that picks between
 * LANs (`var.expose ? private.id : public.id`), which may pick the public one. A
 * default-deny check has to fail closed, and the fix (pass the `ionoscloud_lan`
 * resource) is cheap.
 */
import { TerraformLocal, type TerraformElement, type TerraformStack } from 'cdktf';
import { elementType, type ElementIndex } from './elements';
import { blocks, firstBlock, literalBoolean, literalString, type Block } from './values';

export type LanVisibility = 'public' | 'private' | 'unknown';

const SERVER_TYPES = ['ionoscloud_server', 'ionoscloud_vcpu_server', 'ionoscloud_cube_server'] as const;

export function isServerType(type: string | undefined): boolean {
  return type !== undefined && (SERVER_TYPES as readonly string[]).includes(type);
}

/** Follows a LAN argument to its `ionoscloud_lan` and reads `public`. */
export function lanVisibility(lan: unknown, index: ElementIndex, stack: TerraformStack, depth = 0): LanVisibility {
  const reference = depth > 4 ? undefined : index.plainReference(lan, stack);
  if (!reference) return 'unknown';
  const { element, attribute } = reference;
  if (element instanceof TerraformLocal && attribute === '') {
    return lanVisibility(index.body(element).value, index, element.cdktfStack, depth + 1);
  }
  if (elementType(element) !== 'ionoscloud_lan' || attribute !== 'id') return 'unknown';
  const flag = index.body(element).public;
  // `public` defaults to false; a computed flag could be either.
  if (flag === undefined || flag === null) return 'private';
  const literal = literalBoolean(flag);
  return literal === undefined ? 'unknown' : literal ? 'public' : 'private';
}

/** A LAN the rules must treat as reachable from the internet. */
export function isInternetFacing(lan: unknown, index: ElementIndex, stack: TerraformStack): boolean {
  return lanVisibility(lan, index, stack) !== 'private';
}

/** A NIC as the rules see it: where it is, and the rules of its firewall. */
export interface NicView {
  /** e.g. `nic 'public'` or `ionoscloud_nic` */
  readonly label: string;
  readonly lan: unknown;
  readonly firewallActive: unknown;
  readonly firewallType: unknown;
  readonly firewallRules: readonly FirewallRuleView[];
}

export interface FirewallRuleView {
  readonly label: string;
  readonly rule: Block;
}

function nicLabel(nic: Block): string {
  const name = literalString(nic.name);
  return name ? `nic '${name}'` : 'nic';
}

function ruleLabel(rule: Block, index: number): string {
  const name = literalString(rule.name);
  return name ? `firewall rule '${name}'` : `firewall rule #${index + 1}`;
}

/** The NICs an element declares: a server's inline `nic` block or an `ionoscloud_nic`. */
export function nicsOf(element: TerraformElement, index: ElementIndex): NicView[] {
  const type = elementType(element);
  const body = index.body(element);
  if (isServerType(type)) {
    return blocks(body.nic).map((nic) => ({
      label: nicLabel(nic),
      lan: nic.lan,
      firewallActive: nic.firewall_active,
      firewallType: nic.firewall_type,
      firewallRules: blocks(nic.firewall).map((rule, position) => ({ label: ruleLabel(rule, position), rule })),
    }));
  }
  if (type === 'ionoscloud_nic') {
    return [{ label: nicLabel(body), lan: body.lan, firewallActive: body.firewall_active, firewallType: body.firewall_type, firewallRules: [] }];
  }
  return [];
}

/** The LAN of the NIC an `ionoscloud_firewall` attaches to (a `ionoscloud_nic` or a server's primary NIC). */
export function firewallNicLan(firewall: TerraformElement, index: ElementIndex): unknown {
  const nic = index.plainReference(index.body(firewall).nic_id, firewall.cdktfStack);
  if (!nic) return undefined;
  const type = elementType(nic.element);
  if (type === 'ionoscloud_nic' && nic.attribute === 'id') return index.body(nic.element).lan;
  if (isServerType(type) && nic.attribute === 'primary_nic') return firstBlock(index.body(nic.element).nic)?.lan;
  return undefined;
}
