/**
 * What the README says a first `cdktf diff` needs is what the stacks need: every
 * provider `terraform init` downloads, and no call to HashiCorp's version check from
 * any cdktf command the project runs.
 */
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { exampleConfig, synthEnvironment } from '../../testing/synth';

const ROOT = path.resolve(__dirname, '..', '..');
const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const deploying = readme.slice(readme.indexOf('## Deploying for real'), readme.indexOf('## Operating it'));

/** `hashicorp/null` for `null`, `ionos-cloud/ionoscloud` for `registry.terraform.io/ionos-cloud/ionoscloud`. */
function registryAddress(source: string): string {
  const parts = source.split('/');
  return parts.length === 1 ? `hashicorp/${source}` : parts.slice(-2).join('/');
}

describe('before the first diff', () => {
  it('the README names every provider the stacks download, with its version', () => {
    const providers = new Set(
      Object.values(synthEnvironment(exampleConfig()).stacks).flatMap((stack) =>
        Object.values<{ source: string; version: string }>(stack.terraform.required_providers).map(
          ({ source, version }) => `\`${registryAddress(source)}\` ${version}`,
        ),
      ),
    );
    expect(providers.size).toBeGreaterThan(0);
    for (const provider of providers) expect(deploying).toContain(provider);
  });

  it('the README exports CHECKPOINT_DISABLE with the credentials', () => {
    expect(deploying).toMatch(/^export CHECKPOINT_DISABLE=1 /m);
  });

  it('every npm script that runs cdktf turns the version check off', () => {
    const scripts = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts as Record<string, string>;
    const cdktf = Object.values(scripts).filter((script) => /\bcdktf\b/.test(script));
    expect(cdktf.length).toBeGreaterThan(0);
    for (const script of cdktf) expect(script).toMatch(/^CHECKPOINT_DISABLE=1 cdktf /);
  });

  it('every workflow turns the version check off for all its steps', () => {
    const dir = path.join(ROOT, '.github', 'workflows');
    for (const file of readdirSync(dir)) {
      const workflow = yaml.load(readFileSync(path.join(dir, file), 'utf8')) as { env?: Record<string, string> };
      expect([file, workflow.env?.CHECKPOINT_DISABLE]).toEqual([file, '1']);
    }
  });
});
