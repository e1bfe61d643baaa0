import * as path from 'node:path';
import { environmentFiles, loadEnvironments } from '../../stacks/environments';
import { synthEnvironment } from '../../testing/synth';

const configs = loadEnvironments(environmentFiles());

describe.each(configs.map((config) => [config.name, config] as const))('environment %s', (name, config) => {
  const { stacks } = synthEnvironment(config);

  it.each([`${name}-network`, `${name}-frontend`])('%s is unchanged (snapshot)', (stackName) => {
    expect(stacks[stackName]).toMatchSnapshot();
  });
});

it('synthesizes at least the example environment', () => {
  expect(configs.map((config) => config.name)).toContain('example');
  expect(path.basename(environmentFiles()[0])).toMatch(/\.ya?ml$/);
});
