import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { PushedFiles } from '../delivery';
import { PATCH_STATE_TIMER, WINDOW_TIMER } from '../maintenance';
import type { PlatformServer } from '../server';
import { WAIT_HEALTHY_SCRIPT, type NodeFile } from './node-files';

export interface ScaleliteConfigPushProps {
  /** The nodes, in the order they are updated. */
  readonly nodes: readonly PlatformServer[];
  /** The files of each node (same order as `nodes`). */
  readonly files: readonly (readonly NodeFile[])[];
  /** A VM with a public address that can reach the private LAN (the nodes have no public address). */
  readonly bastion: PlatformServer;
}

/** Run on a node after its files changed: pick up unit changes, recreate changed containers, re-contend for the lock. */
export const APPLY_COMMANDS: readonly string[] = [
  'systemctl daemon-reload',
  `systemctl enable --now ${PATCH_STATE_TIMER} ${WINDOW_TIMER}`,
  'systemctl reload scalelite.service',
  'systemctl restart scalelite-singletons.service',
  WAIT_HEALTHY_SCRIPT,
];

/**
 * Delivers changed Compose files and configuration to running nodes over SSH through
 * the bastion, one node after the other: each push depends on the previous one and
 * ends by waiting until its node passes Scalelite's health check again. At any time
 * at most one node restarts containers while the others keep serving behind the
 * load balancer.
 */
export class ScaleliteConfigPush extends Construct {
  readonly pushes: PushedFiles[] = [];

  constructor(scope: Construct, id: string, props: ScaleliteConfigPushProps) {
    super(scope, id);
    if (props.files.length !== props.nodes.length) {
      throw new Error(`${this.node.path}: files: one list per node expected (${props.nodes.length}), got ${props.files.length}`);
    }
    let previous: ITerraformDependable | undefined;
    props.nodes.forEach((node, index) => {
      const push = new PushedFiles(this, `Node${index + 1}`, {
        target: node,
        bastion: props.bastion,
        files: props.files[index],
        afterCommands: APPLY_COMMANDS,
        dependsOn: previous ? [previous] : undefined,
      });
      previous = push.resource;
      this.pushes.push(push);
    });
  }
}
