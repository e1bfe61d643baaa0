/** Synthesizes the network stack and a monitoring stack of one environment, the way the platform wires them. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Testing } from 'cdktf';
import type { EnvironmentConfig } from '../../config';
import { Monitoring, type MonitoringProps } from '../../constructs/monitoring';
import { NetworkStack } from '../../stacks/network-stack';
import { PlatformStack } from '../../stacks/platform-stack';

export type Json = Record<string, any>;

/** What the BBB pool hands over: the inventory holds references to the pool's servers. */
export const INVENTORY_JSON = '{"environment":"example","servers":[]}';

/** What the monitoring stack receives as the power-off channel's private key (a Terraform reference when deployed). */
export const POWER_AGENT_KEY = '${tls_private_key.stand_in.private_key_openssh}';

export function synthMonitoring(config: EnvironmentConfig, props: Partial<MonitoringProps> = {}): Json {
  const outdir = mkdtempSync(path.join(tmpdir(), 'synth-monitoring-'));
  try {
    const bundlePath = path.join(outdir, 'autoscaler.js');
    writeFileSync(bundlePath, '"use strict";\n');
    const app = Testing.app({ outdir });
    const network = new NetworkStack(app, config);
    const stack = new PlatformStack(app, config, 'monitoring');
    new Monitoring(stack, 'Monitoring', {
      config,
      network: network.network,
      autoscaler: config.autoscaler.enabled ? { inventoryJson: INVENTORY_JSON, bundlePath, powerAgentKey: POWER_AGENT_KEY } : undefined,
      ...props,
    });
    app.synth();
    return JSON.parse(readFileSync(path.join(outdir, 'stacks', `${config.name}-monitoring`, 'cdk.tf.json'), 'utf8'));
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

export function only(stack: Json, type: string): Json {
  const bodies = Object.values(stack.resource?.[type] ?? {}) as Json[];
  if (bodies.length !== 1) throw new Error(`expected one ${type}, found ${bodies.length}`);
  return bodies[0];
}

/** The push resource of the construct with the given id (`Config` or `AutoscalerBundle`). */
export function pushOf(stack: Json, id: string): Json {
  const matches = Object.entries(stack.resource?.null_resource ?? {}).filter(([name]) => name.includes(`_${id}_`));
  if (matches.length !== 1) throw new Error(`expected one ${id} push, found ${matches.map(([name]) => name).join(', ') || 'none'}`);
  return matches[0][1] as Json;
}

/** The files a push resource delivers: destination path -> content expression (or asset source). */
export function pushedFiles(push: Json): Record<string, string> {
  const provisioners = push.provisioner as Json[];
  const staged = new Map<string, string>();
  for (const provisioner of provisioners) {
    if (provisioner.file) staged.set(provisioner.file.destination, provisioner.file.content ?? `asset:${provisioner.file.source}`);
  }
  const files: Record<string, string> = {};
  for (const provisioner of provisioners) {
    for (const command of (provisioner['remote-exec']?.inline ?? []) as string[]) {
      const install = /^sudo install -D -m \d+ (\S+) (\S+)$/.exec(command);
      if (install) files[install[2]] = staged.get(install[1]) ?? '';
    }
  }
  return files;
}
