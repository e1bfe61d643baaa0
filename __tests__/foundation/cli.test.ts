import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runScript } from '../support/run-script';

const ROOT = path.resolve(__dirname, '../..');
const EXAMPLE = path.join(ROOT, 'environments/example.yaml');

function tsx(script: string, args: string[], env: Record<string, string> = {}, cwd = ROOT) {
  return runScript(script, args, { env, cwd });
}

describe('command line', () => {
  const work = mkdtempSync(path.join(tmpdir(), 'cli-'));
  const bad = path.join(work, 'bad.yaml');
  writeFileSync(bad, 'name: example\nlocation: de/xxx\n');
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('check-config prints a one-line summary for a valid file', () => {
    const result = tsx('scripts/check-config.ts', [EXAMPLE]);
    expect(result.status).toBe(0);
    expect(result.stdout.trim().split('\n')).toHaveLength(1);
    expect(result.stdout).toContain('ok: environment "example" in de/fra');
  });

  it('check-config exits non-zero with every error and no stack trace', () => {
    const result = tsx('scripts/check-config.ts', [bad]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('location: must be one of');
    expect(result.stderr).toContain('domain: is required');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('check-config points at the line of a misspelt key and names the key meant', () => {
    const misspelt = path.join(work, 'misspelt.yaml');
    writeFileSync(misspelt, readFileSync(EXAMPLE, 'utf8').replace('    size: 20', '    szie: 20'));
    const result = tsx('scripts/check-config.ts', [misspelt]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/line \d+, column 5: bbb\.pool\.szie: unknown key; did you mean size\?/);
    expect(result.stdout).toBe('');
  });

  it('check-config refuses a file that would create the DNS zone of another file in environments/', () => {
    const copy = path.join(work, 'copy.yaml');
    writeFileSync(copy, readFileSync(EXAMPLE, 'utf8').replace('name: example', 'name: copy'));
    const result = tsx('scripts/check-config.ts', [copy]);
    expect(result.stderr).toMatch(/copy\.yaml: line \d+, column 1: domain: "bbb\.example\.org" is already used by environments\/example\.yaml: both would create that DNS zone/);
    expect(result.stdout).toBe('');
    expect(result.status).toBe(1);
  });

  it('synth says that ENVIRONMENTS takes paths', () => {
    const result = tsx('scripts/synth.ts', [], { ENVIRONMENTS: 'example' }, ROOT);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('"example" is no file: ENVIRONMENTS takes paths separated by commas, such as environments/example.yaml');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('synth stops on a bad environment with its errors, writing no stacks', () => {
    const result = tsx('scripts/synth.ts', [], { ENVIRONMENTS: `${EXAMPLE},${bad}` }, work);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('bad.yaml');
    expect(result.stderr).toContain('location: must be one of');
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(path.join(work, 'cdktf.out'))).toBe(false);
  });

  it('synth writes every stack of the example offline, without credentials, says so, and removes stale stacks', () => {
    const stacks = path.join(work, 'cdktf.out', 'stacks');
    mkdirSync(path.join(stacks, 'old-network'), { recursive: true });
    mkdirSync(path.join(stacks, 'older-bbb'));
    writeFileSync(path.join(stacks, 'older-bbb', 'terraform.older-bbb.tfstate'), '{}');
    const env = { ENVIRONMENTS: EXAMPLE, IONOS_TOKEN: '', IONOS_USERNAME: '', IONOS_PASSWORD: '' };
    // `npm run synth`'s own entry: the bindings check and the autoscaler bundle first.
    const result = tsx('scripts/synth.ts', [], env, work);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(readdirSync(stacks).sort()).toEqual(['example-bbb', 'example-frontend', 'example-monitoring', 'example-network', 'older-bbb']);
    expect(result.stdout.split('\n')).toEqual([
      expect.stringMatching(/^synth: wrote 4 stacks to cdktf\.out\/stacks\/ in \d+\.\d s: example-bbb, example-frontend, example-monitoring, example-network$/),
      'synth: removed old-network from cdktf.out/stacks/: stacks of an earlier synth, not of this one',
      'synth: left older-bbb in cdktf.out/stacks/: not of this synth, but holding a Terraform state file',
      'synth: local state now lives in terraform-state/: move cdktf.out/stacks/<stack>/terraform.<stack>.tfstate to terraform-state/<stack>.tfstate for older-bbb (docs/deploy.md#terraform-state)',
      '',
    ]);
  });
});
