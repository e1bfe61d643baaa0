import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, type TerraformStack } from 'cdktf';
import { applyPolicies } from '../../policies';
import { buildPlatform } from '../../stacks';
import { exampleWith } from '../../testing/synth';
import { evaluate, findingsOf, policyFixture, server } from './fixtures';

const RULE = 'BBB-PRODUCTION-SIZE';

describe(RULE, () => {
  it('accepts BBB servers of 8 cores and 16 GB or more, and smaller servers of other roles', () => {
    const fixture = policyFixture();
    server(fixture, 'Bbb1', { name: 'example-bbb-01', cores: 8, ram: 16384 });
    server(fixture, 'Bbb2', { name: 'example-bbb-02', cores: 16, ram: 32768 });
    server(fixture, 'Turn', { name: 'example-turn-01', cores: 2, ram: 4096 });
    expect(findingsOf(fixture.stack, RULE)).toEqual([]);
  });

  it('warns, without failing synth, about BBB servers with fewer cores or less memory', () => {
    const fixture = policyFixture();
    server(fixture, 'Bbb1', { name: 'example-bbb-01', cores: 4, ram: 16384 });
    server(fixture, 'Bbb2', { name: 'example-bbb-02', cores: 8, ram: 8192 });
    const findings = findingsOf(fixture.stack, RULE);
    expect(findings.map((finding) => [finding.path, finding.level])).toEqual([
      ['fixture/Bbb1', 'warning'],
      ['fixture/Bbb2', 'warning'],
    ]);
    expect(findings[0].message).toContain(
      "BBB server example-bbb-01 has 4 cores and 16 GB, below BigBlueButton's production minimum of 8 cores and 16 GB (bbb.cores, bbb.ramGb)",
    );
    expect(findings[1].message).toContain('example-bbb-02 has 8 cores and 8 GB');
    expect(evaluate(fixture.stack).filter((finding) => finding.level === 'error')).toEqual([]);
  });

  it('warns about every server of a pool the environment sizes below that', () => {
    const outdir = mkdtempSync(path.join(tmpdir(), 'small-pool-'));
    try {
      const app = new App({ outdir });
      const platform = buildPlatform(app, exampleWith({ bbb: { pool: { size: 2, minRunning: 1 }, cores: 4, ramGb: 8 }, autoscaler: { schedule: { rules: [] } } }));
      const stack: TerraformStack = platform.bbb;
      applyPolicies(stack);
      const warned = findingsOf(stack, RULE).map((finding) => finding.message.match(/BBB server (\S+)/)![1]);
      expect(warned).toEqual(['example-bbb-01', 'example-bbb-02']);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});
