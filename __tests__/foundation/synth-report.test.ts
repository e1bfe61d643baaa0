import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { synthReport } from '../../scripts/synth-report';

describe('what npm run synth says', () => {
  const outdir = mkdtempSync(path.join(tmpdir(), 'synth-report-'));
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('names a rebuilt bundle and a stack of this synth that still holds local state', () => {
    mkdirSync(path.join(outdir, 'stacks', 'trial-network'), { recursive: true });
    writeFileSync(path.join(outdir, 'stacks', 'trial-network', 'terraform.trial-network.tfstate'), '{}');
    const lines = synthReport({ outdir, written: ['trial-network'], stale: { removed: [], kept: [] }, bundleWritten: true, seconds: 1.25 });
    expect(lines).toEqual([
      `synth: wrote 1 stack to ${outdir}/stacks/ in 1.3 s: trial-network`,
      'synth: rebuilt dist/autoscaler.js',
      `synth: local state now lives in terraform-state/: move ${outdir}/stacks/<stack>/terraform.<stack>.tfstate to terraform-state/<stack>.tfstate for trial-network (docs/deploy.md#terraform-state)`,
    ]);
  });
});
