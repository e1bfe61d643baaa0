/**
 * Synthesizes the network stack and the BBB stack of one environment, with a stand-in
 * Scalelite stack that owns a generated LOADBALANCER_SECRET, the way the frontend
 * stack hands it over (a cross-stack reference).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { TerraformStack, Testing } from 'cdktf';
import { Password } from '@cdktf/provider-random/lib/password';
import { RandomProvider } from '@cdktf/provider-random/lib/provider';
import type { EnvironmentConfig } from '../../config';
import { BbbStack } from '../../stacks/bbb-stack';
import { NetworkStack } from '../../stacks/network-stack';

export type Json = Record<string, any>;

export interface SynthesizedBbb {
  readonly stack: BbbStack;
  readonly bbb: Json;
  readonly network: Json;
}

export const SCALELITE_API_URL = 'https://scalelite.bbb.example.org/scalelite/api';

export function synthBbb(config: EnvironmentConfig): SynthesizedBbb {
  const outdir = mkdtempSync(path.join(tmpdir(), 'synth-bbb-'));
  try {
    const app = Testing.app({ outdir });
    const networkStack = new NetworkStack(app, config);
    const scaleliteStack = new TerraformStack(app, `${config.name}-scalelite-standin`);
    new RandomProvider(scaleliteStack, 'random', {});
    const secret = new Password(scaleliteStack, 'LoadbalancerSecret', { length: 64, special: false });
    const stack = new BbbStack(app, config, {
      network: networkStack.network,
      scalelite: { apiUrl: SCALELITE_API_URL, secret: secret.result },
      recordings: networkStack.data.sharedStorage,
      coordination: networkStack.data.redis,
    });
    app.synth();
    const read = (name: string) => JSON.parse(readFileSync(path.join(outdir, 'stacks', name, 'cdk.tf.json'), 'utf8'));
    return { stack, bbb: read(`${config.name}-bbb`), network: read(`${config.name}-network`) };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

export function resources(stack: Json, type: string): [string, Json][] {
  return Object.entries(stack.resource?.[type] ?? {});
}
