/**
 * The pull request workflow's diff step, run by bash against a stand-in `npx` that
 * answers like `cdktf diff` does: a plan, a stack that reads an output its upstream
 * stack does not have yet, and a real failure.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { describeWithTool } from '../support/tools';

interface Step {
  id?: string;
  run?: string;
}
const workflow = yaml.load(readFileSync(path.resolve(__dirname, '..', '..', '.github', 'workflows', 'pull-request.yml'), 'utf8')) as {
  jobs: { diff: { steps: Step[] } };
};
const diffStep = workflow.jobs.diff.steps.find((step) => step.id === 'diff')!.run!;

const MISSING_OUTPUT = [
  'Error: Unsupported attribute',
  '  on cdk.tf.json line 120, in resource.null_resource.Inventory_Push:',
  '  data.terraform_remote_state.cross-stack-reference-input-schools-bbb.outputs is object with 40 attributes',
  'This object does not have an attribute named "cross-stack-output-ionoscloud_ipblockBbb21_Ip".',
].join('\n');

/** What the stand-in answers per stack: output and exit status. */
const ANSWERS: Record<string, [string, number]> = {
  'schools-network': ['Plan: 2 to add, 0 to change, 0 to destroy.', 0],
  'schools-bbb': ['Error: creating server: 401 Unauthorized', 1],
  'schools-monitoring': [MISSING_OUTPUT, 1],
};

describeWithTool('jq', 'the pull request diff step', () => {
  let dir: string;
  let result: ReturnType<typeof spawnSync>;
  const status = (stack: string) => readFileSync(path.join(dir, 'diff', `${stack}.status`), 'utf8').trim();

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'diff-step-'));
    mkdirSync(path.join(dir, 'cdktf.out'));
    mkdirSync(path.join(dir, 'bin'));
    const stacks = Object.fromEntries(Object.keys(ANSWERS).map((name) => [name, {}]));
    writeFileSync(path.join(dir, 'cdktf.out', 'manifest.json'), JSON.stringify({ stacks }));
    const cases = Object.entries(ANSWERS)
      .map(([stack, [output, code]]) => `  ${stack}) printf '%s\\n' ${JSON.stringify(output).replace(/\$/g, '\\$')}; exit ${code} ;;`)
      .join('\n');
    writeFileSync(path.join(dir, 'bin', 'npx'), `#!/bin/sh\n# npx cdktf diff <stack> ...\ncase "$3" in\n${cases}\nesac\nexit 2\n`);
    chmodSync(path.join(dir, 'bin', 'npx'), 0o755);
    writeFileSync(path.join(dir, 'output'), '');
    result = spawnSync('bash', ['-e', '-c', diffStep], {
      cwd: dir,
      encoding: 'utf8',
      env: { PATH: `${path.join(dir, 'bin')}:${process.env.PATH}`, DEPLOY_ENVIRONMENTS: 'schools', GITHUB_OUTPUT: path.join(dir, 'output') },
    });
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('diffs every stack of the platform and keeps each output', () => {
    expect(result.status).toBe(0);
    expect(readFileSync(path.join(dir, 'diff', 'schools-network.txt'), 'utf8')).toContain('Plan: 2 to add');
    expect(status('schools-network')).toBe('ok');
  });

  it('marks a stack waiting for an output of its upstream stack, without failing the check', () => {
    expect(status('schools-monitoring')).toBe('upstream');
  });

  it('fails the check for any other error', () => {
    expect(status('schools-bbb')).toBe('failed');
    expect(readFileSync(path.join(dir, 'output'), 'utf8')).toBe('failed=1\n');
  });
});
