import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, TerraformStack } from 'cdktf';
import { applyPolicies } from '../../policies';
import { environmentFiles, loadEnvironments } from '../../stacks/environments';
import { buildPlatform } from '../../stacks';
import { policyAnnotations, type Finding } from './fixtures';

/**
 * The environments this repository ships, built exactly as main.ts builds them,
 * must pass the policy pack: no error, and no suppression that docs/security.md
 * does not justify.
 */
describe('shipped environments under the policy pack', () => {
  const outdir = mkdtempSync(path.join(tmpdir(), 'shipped-'));
  const app = new App({ outdir });
  const configs = loadEnvironments(environmentFiles());
  for (const config of configs) buildPlatform(app, config);
  const stacks = app.node.findAll().filter((node): node is TerraformStack => TerraformStack.isStack(node));
  stacks.forEach(applyPolicies);
  const synth = (): unknown => {
    try {
      app.synth();
      return undefined;
    } catch (error) {
      return error;
    }
  };
  const failure = synth();
  const findings: Finding[] = stacks.flatMap(policyAnnotations);
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('builds the four stacks per environment that the deploy workflows deploy in order', () => {
    expect(configs.length).toBeGreaterThan(0);
    const expected = configs.flatMap((config) => ['network', 'frontend', 'bbb', 'monitoring'].map((part) => `${config.name}-${part}`));
    expect(stacks.map((stack) => stack.node.id).sort()).toEqual(expected.sort());
  });

  it('has no policy errors', () => {
    expect(findings.filter((finding) => finding.level === 'error').map((finding) => `${finding.path}: ${finding.message}`)).toEqual([]);
  });

  it('has no warnings', () => {
    expect(findings.filter((finding) => finding.level === 'warning').map((finding) => `${finding.path}: ${finding.message}`)).toEqual([]);
  });

  it('suppresses nothing that docs/security.md does not justify', () => {
    const docs = readFileSync(path.resolve(__dirname, '..', '..', 'docs', 'security.md'), 'utf8');
    const section = docs.slice(docs.indexOf('## Suppressions in this project'));
    const undocumented = findings
      .filter((finding) => finding.level === 'info' && finding.message.includes('] suppressed ('))
      .filter((finding) => !(section.includes(finding.rule) && section.includes(finding.path)));
    expect(undocumented.map((finding) => `${finding.path}: ${finding.message}`)).toEqual([]);
  });

  it('synthesizes with the policies applied', () => {
    expect(failure).toBeUndefined();
  });
});
