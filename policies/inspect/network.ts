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

/** How messages name a LAN that is not private. */
export function describeLan(visibility: Exclude<LanVisibility, 'private'>): string {
  return visibility === 'public' ? 'public LAN' : 'LAN not traceable to a private ionoscloud_lan';
}

/** A NIC as the rules see it: where it is, and the rules of its firewall. */
export interface NicView {
  /** The server or `ionoscloud_nic` that declares the NIC. */
  readonly owner: TerraformElement;
  /** e.g. `nic 'public'` or `ionoscloud_nic` */
  readonly label: string;
  readonly lan: unknown;
  readonly firewallActive: unknown;
  readonly firewallType: unknown;
  readonly firewallRules: readonly FirewallRuleView[];
  /** The `security_groups_ids` arguments whose groups filter the NIC: its own and its server's. */
  readonly securityGroups: readonly unknown[];
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
      owner: element,
      label: nicLabel(nic),
      lan: nic.lan,
      firewallActive: nic.firewall_active,
      firewallType: nic.firewall_type,
      firewallRules: blocks(nic.firewall).map((rule, position) => ({ label: ruleLabel(rule, position), rule })),
      securityGroups: [nic.security_groups_ids, body.security_groups_ids],
    }));
  }
  if (type === 'ionoscloud_nic') {
    const servers = index.references(body.server_id, element.cdktfStack).filter(({ element: server }) => isServerType(elementType(server)));
    return [
      {
        owner: element,
        label: nicLabel(body),
        lan: body.lan,
        firewallActive: body.firewall_active,
        firewallType: body.firewall_type,
        firewallRules: [],
        securityGroups: [body.security_groups_ids, ...servers.map(({ element: server }) => index.body(server).security_groups_ids)],
      },
    ];
  }
  return [];
}

/** Every NIC of the app, for rules that start from what filters a NIC rather than from the NIC. */
export function allNics(index: ElementIndex): readonly NicView[] {
  return index.remember('nics', index, () => index.all.flatMap((element) => nicsOf(element, index)));
}

/** The LAN of the NIC an `ionoscloud_firewall` attaches to (a `ionoscloud_nic` or a server's primary NIC). */
export function firewallNicLan(firewall: TerraformElement, index: ElementIndex): unknown {
  const nicId = index.body(firewall).nic_id;
  const nic = index.idReference(nicId, firewall.cdktfStack, 'ionoscloud_nic');
  if (nic) return index.body(nic).lan;
  const server = index.plainReference(nicId, firewall.cdktfStack);
  if (server && isServerType(elementType(server.element)) && server.attribute === 'primary_nic') return firstBlock(index.body(server.element).nic)?.lan;
  return undefined;
}
