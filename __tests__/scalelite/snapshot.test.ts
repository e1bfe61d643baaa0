import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App } from 'cdktf';
import { applyPolicies } from '../../policies';
import { buildPlatform } from '../../stacks';
import { environmentFiles, loadEnvironments } from '../../stacks/environments';
import { checkStack } from '../../testing/schema-check';
import { synthEnvironment } from '../../testing/synth';

const configs = loadEnvironments(environmentFiles());

describe.each(configs.map((config) => [config.name, config] as const))('environment %s', (name, config) => {
  const { stacks } = synthEnvironment(config);
  const touched = [`${name}-network`, `${name}-frontend`];

  it.each(touched)('%s matches the IONOS provider schema', (stackName) => {
    expect(checkStack(stackName, stacks[stackName])).toEqual([]);
  });

  it.each(touched)('%s is unchanged (snapshot)', (stackName) => {
    expect(stacks[stackName]).toMatchSnapshot();
  });

  it('passes the security policy pack (network and frontend stacks)', () => {
    const outdir = mkdtempSync(path.join(tmpdir(), 'policies-'));
    try {
      const app = new App({ outdir });
      const platform = buildPlatform(app, config);
      applyPolicies(platform.network);
      applyPolicies(platform.frontend);
      expect(() => app.synth()).not.toThrow();
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});

it('synthesizes at least the example environment', () => {
  expect(configs.map((config) => config.name)).toContain('example');
  expect(path.basename(environmentFiles()[0])).toMatch(/\.ya?ml$/);
});
