/**
 * Synthesizes one environment the way `npm run synth` does (the whole app, so
 * cross-stack references become outputs and remote-state lookups) into a temporary
 * directory, and returns every stack's Terraform JSON keyed by stack name.
 */
import { App, Testing } from 'cdktf';
import { parseEnvironment, loadEnvironmentFile, type EnvironmentConfig } from '../config';
import { buildPlatform, type Platform } from '../stacks';
import { withoutTokenStackTraces } from '../stacks/token-stack-traces';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as yaml from 'js-yaml';

export type StackJson = Record<string, any>;

export interface SynthesizedEnvironment {
  readonly config: EnvironmentConfig;
  readonly platform: Platform;
  readonly stacks: Record<string, StackJson>;
}

export const EXAMPLE_FILE = path.resolve(__dirname, '..', 'environments', 'example.yaml');

export function exampleConfig(): EnvironmentConfig {
  return loadEnvironmentFile(EXAMPLE_FILE);
}

/** The example environment with some keys changed (a deep merge of `changes`). */
export function exampleWith(changes: Record<string, unknown>): EnvironmentConfig {
  const document = yaml.load(readFileSync(EXAMPLE_FILE, 'utf8')) as Record<string, unknown>;
  return parseEnvironment(yaml.dump(deepMerge(document, changes)), 'example (modified)');
}

export function synthEnvironment(config: EnvironmentConfig): SynthesizedEnvironment {
  const outdir = mkdtempSync(path.join(tmpdir(), 'synth-'));
  try {
    const app: App = Testing.app({ outdir });
    const platform = withoutTokenStackTraces(() => {
      const built = buildPlatform(app, config);
      app.synth();
      return built;
    });
    const stacks: Record<string, StackJson> = {};
    for (const name of readdirSync(path.join(outdir, 'stacks'))) {
      stacks[name] = JSON.parse(readFileSync(path.join(outdir, 'stacks', name, 'cdk.tf.json'), 'utf8'));
    }
    return { config, platform, stacks };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** Resources of one type in a synthesized stack, as [name, body] pairs. */
export function resourcesOf(stack: StackJson, type: string): [string, any][] {
  return Object.entries(stack.resource?.[type] ?? {});
}

function deepMerge(base: Record<string, unknown>, changes: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(changes)) {
    const current = result[key];
    result[key] =
      isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : value;
  }
  return result;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
