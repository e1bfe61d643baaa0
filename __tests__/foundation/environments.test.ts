import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { ENVIRONMENTS_DIR } from '../../stacks/environments';
import { synthEnvironment } from '../../testing/synth';
import { loadEnvironmentFile } from '../../config';

const files = readdirSync(ENVIRONMENTS_DIR).filter((name) => name.endsWith('.yaml'));

describe.each(files)('shipped environment %s', (file) => {
  const config = loadEnvironmentFile(path.join(ENVIRONMENTS_DIR, file));
  const { stacks } = synthEnvironment(config);

  it('synthesizes the stacks named <env>-<part>', () => {
    expect(Object.keys(stacks)).toEqual(expect.arrayContaining([`${config.name}-network`]));
    for (const name of Object.keys(stacks)) expect(name).toMatch(new RegExp(`^${config.name}-[a-z]+$`));
  });

  it.each(['network', 'frontend'])('keeps the %s stack unchanged (snapshot)', (part) => {
    expect(stacks[`${config.name}-${part}`]).toMatchSnapshot();
  });

  it('declares the IONOS provider pinned to the committed schema version', () => {
    for (const stack of Object.values(stacks)) {
      expect(stack.terraform.required_providers.ionoscloud).toEqual({
        source: 'registry.terraform.io/ionos-cloud/ionoscloud',
        version: '6.7.12',
      });
    }
  });
});
