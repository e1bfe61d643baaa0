/**
 * What a load balancer forwarding rule makes reachable. An IONOS network or
 * application load balancer listens on its `listener_lan`; on a public LAN, each of
 * its forwarding rules opens the listener port to the internet and passes the traffic
 * on to the ports of its targets: an NLB rule's own `targets`, the targets of the
 * `ionoscloud_target_group`s an ALB rule's FORWARD http rules name. Neither balancer
 * filters by source, except an ALB http rule with a `SOURCE_IP` condition.
 */
import type { TerraformElement, TerraformStack } from 'cdktf';
import { elementType, type ElementIndex } from './elements';
import { lanVisibility, type LanVisibility } from './network';
import { isInternetSource } from './sources';
import { blocks, literalBoolean, literalNumber, literalString, type Block } from './values';

/** A port a forwarding rule makes reachable through its listener; undefined when it cannot be read. */
export interface ForwardedPort {
  readonly port: number | undefined;
  /** e.g. `listener_port`, `target 10.7.0.11 of target group 'scalelite'`; with the reason when the port is unknown. */
  readonly via: string;
}

function forwarded(port: unknown, via: string): ForwardedPort {
  const literal = literalNumber(port);
  return literal === undefined ? { port: undefined, via: `${via}, whose port Terraform computes` } : { port: literal, via };
}

export interface Forwarding {
  /** The balancer's listener LAN; unknown when the balancer itself cannot be traced. */
  readonly listenerLan: LanVisibility;
  readonly ports: readonly ForwardedPort[];
}

function targetPorts(targets: unknown, suffix: string): ForwardedPort[] {
  return blocks(targets).map((target) => forwarded(target.port, `target ${literalString(target.ip) ?? '(computed address)'}${suffix}`));
}

/** An http rule that only matches sources narrower than the internet. */
function isSourceRestricted(httpRule: Block, index: ElementIndex, stack: TerraformStack): boolean {
  return blocks(httpRule.conditions).some(
    (condition) =>
      literalString(condition.type)?.toUpperCase() === 'SOURCE_IP' &&
      literalBoolean(condition.negate) !== true &&
      !isInternetSource(condition.value, index, stack),
  );
}

function targetGroupPorts(httpRule: Block, index: ElementIndex, stack: TerraformStack): ForwardedPort[] {
  const name = literalString(httpRule.name) ?? 'unnamed';
  const group = index.idReference(httpRule.target_group, stack, 'ionoscloud_target_group');
  if (!group) return [{ port: undefined, via: `http rule '${name}', whose target group is not traceable to an ionoscloud_target_group` }];
  const groupName = literalString(index.body(group).name);
  return targetPorts(index.body(group).targets, groupName ? ` of target group '${groupName}'` : '');
}

interface BalancerKind {
  /** The forwarding rule's argument that names its balancer, and the balancer's type. */
  readonly argument: string;
  readonly type: string;
  readonly targets: (body: Block, index: ElementIndex, stack: TerraformStack) => ForwardedPort[];
}

const BALANCERS: Readonly<Record<string, BalancerKind>> = {
  ionoscloud_networkloadbalancer_forwardingrule: {
    argument: 'networkloadbalancer_id',
    type: 'ionoscloud_networkloadbalancer',
    targets: (body) => targetPorts(body.targets, ''),
  },
  ionoscloud_application_loadbalancer_forwardingrule: {
    argument: 'application_loadbalancer_id',
    type: 'ionoscloud_application_loadbalancer',
    // A rule whose type is not a literal could forward; only literal other types are skipped.
    targets: (body, index, stack) =>
      blocks(body.http_rules)
        .filter((httpRule) => (literalString(httpRule.type)?.toUpperCase() ?? 'FORWARD') === 'FORWARD')
        .filter((httpRule) => !isSourceRestricted(httpRule, index, stack))
        .flatMap((httpRule) => targetGroupPorts(httpRule, index, stack)),
  },
};

/** What a load balancer forwarding rule exposes, or undefined for other elements. */
export function forwardingOf(element: TerraformElement, index: ElementIndex): Forwarding | undefined {
  const kind = BALANCERS[elementType(element) ?? ''];
  if (!kind) return undefined;
  const stack = element.cdktfStack;
  const body = index.body(element);
  const balancer = index.idReference(body[kind.argument], stack, kind.type);
  return {
    listenerLan: balancer ? lanVisibility(index.body(balancer).listener_lan, index, balancer.cdktfStack) : 'unknown',
    ports: [forwarded(body.listener_port, 'listener_port'), ...kind.targets(body, index, stack)],
  };
}
