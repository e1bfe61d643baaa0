/**
 * The workflows' synth step, run by bash against a stand-in `npm` that writes what
 * `npm run synth` writes: an environment whose stacks keep local state is refused,
 * since a runner keeps no files between runs.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { describeWithTool } from '../support/tools';

interface Step {
  name?: string;
  run?: string;
}
const WORKFLOWS = { 'deploy.yml': 'deploy', 'pull-request.yml': 'diff' } as const;

function synthStep(file: keyof typeof WORKFLOWS): string {
  const workflow = yaml.load(readFileSync(path.resolve(__dirname, '..', '..', '.github', 'workflows', file), 'utf8')) as {
    jobs: Record<string, { steps: Step[] }>;
  };
  return workflow.jobs[WORKFLOWS[file]].steps.find((step) => step.run?.includes('npm run synth'))!.run!;
}

const BACKENDS = {
  remote: { s3: { bucket: 'bbb-schools-tfstate', key: 'schools/network.tfstate' } },
  local: { local: { path: '../../../terraform-state/schools-network.tfstate' } },
};

describeWithTool('jq', 'the workflows\u2019 synth step', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'synth-step-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function run(file: keyof typeof WORKFLOWS, backend: keyof typeof BACKENDS) {
    const work = mkdtempSync(path.join(dir, `${backend}-`));
    mkdirSync(path.join(work, 'environments'));
    writeFileSync(path.join(work, 'environments', 'schools.yaml'), 'name: schools\n');
    mkdirSync(path.join(work, 'bin'));
    const stack = JSON.stringify({ terraform: { backend: BACKENDS[backend] } });
    writeFileSync(
      path.join(work, 'bin', 'npm'),
      `#!/bin/sh\n# npm run synth\nmkdir -p cdktf.out/stacks/schools-network\necho '${stack}' > cdktf.out/stacks/schools-network/cdk.tf.json\n`,
    );
    chmodSync(path.join(work, 'bin', 'npm'), 0o755);
    return spawnSync('bash', ['-e', '-c', synthStep(file)], {
      cwd: work,
      encoding: 'utf8',
      // On a socket for stdin (Node's default pipe), bash thinks rshd started it and reads ~/.bashrc.
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: `${path.join(work, 'bin')}:${process.env.PATH}`, DEPLOY_ENVIRONMENTS: 'schools' },
    });
  }

  it.each(Object.keys(WORKFLOWS) as (keyof typeof WORKFLOWS)[])('%s goes on with remote state', (file) => {
    const result = run(file, 'remote');
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it.each(Object.keys(WORKFLOWS) as (keyof typeof WORKFLOWS)[])('%s refuses an environment that keeps its state in local files', (file) => {
    const result = run(file, 'local');
    expect(result.stdout).toContain('::error::environments/schools.yaml sets no state: a runner keeps no files');
    expect(result.status).toBe(1);
  });
});
