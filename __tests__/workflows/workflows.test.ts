import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { validateWorkflow, type ValidationError } from '@action-validator/core';
import * as yaml from 'js-yaml';
import { exampleConfig, synthEnvironment } from '../../testing/synth';
import { describeWithTool, run } from '../support/tools';

const WORKFLOWS_DIR = path.resolve(__dirname, '..', '..', '.github', 'workflows');
const files = readdirSync(WORKFLOWS_DIR).filter((name) => /\.ya?ml$/.test(name)).sort();
const source = (name: string) => readFileSync(path.join(WORKFLOWS_DIR, name), 'utf8');

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
}
interface Job {
  'runs-on': string;
  needs?: string | string[];
  if?: string;
  permissions?: Record<string, string>;
  environment?: string;
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  concurrency?: { group: string; 'cancel-in-progress': boolean };
  jobs: Record<string, Job>;
}
const parse = (name: string) => yaml.load(source(name)) as Workflow;

/** TF_VAR_<name> of every variable without a default in the example's stacks: Terraform cannot plan without them. */
const STACK_VARIABLES = [
  ...new Set(
    Object.values(synthEnvironment(exampleConfig()).stacks).flatMap((stack) =>
      Object.entries<{ default?: unknown }>(stack.variable ?? {})
        .filter(([, variable]) => variable.default === undefined)
        .map(([variableName]) => `TF_VAR_${variableName}`),
    ),
  ),
].sort();
/** A plan opens no SSH connection: the diff job gives the key variable a stand-in, never the key. */
const PLAN_WITHOUT_SSH_KEY = ['TF_VAR_ssh_private_key', 'not-used-by-a-plan'] as const;

function describeErrors(errors: ValidationError[]): string[] {
  return errors.map((error) => `${'path' in error ? error.path : ''} ${error.title}${error.detail ? `: ${error.detail}` : ''}`);
}

/** `uses:` lines that are not pinned to a full commit SHA with a version comment. */
function unpinnedUses(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => /^\s*(-\s*)?uses:/.test(line))
    .filter((line) => !/uses:\s*[\w.-]+\/[\w./-]+@[0-9a-f]{40}\s+#\s*v\d+(\.\d+)*\s*$/.test(line))
    .map((line) => line.trim());
}

const BROKEN_WORKFLOW = [
  'name: Broken',
  'on:',
  '  pull_request:',
  'jobs:',
  '  test:',
  '    steps:',
  '      - uses: actions/checkout@v4',
  '    concurrency:',
  '      group: x',
  '      cancel-in-progress: sometimes',
].join('\n');

describe('GitHub Actions workflows', () => {
  it('exist for pull requests and for deploys', () => {
    expect(files).toEqual(['deploy.yml', 'pull-request.yml']);
  });

  it.each(files)('%s is a valid workflow', (name) => {
    expect(describeErrors(validateWorkflow(source(name)).errors)).toEqual([]);
  });

  it('the validator rejects a broken workflow', () => {
    expect(validateWorkflow(BROKEN_WORKFLOW).errors.length).toBeGreaterThan(0);
  });

  it.each(files)('%s pins every action to a full commit SHA with a version comment', (name) => {
    const text = source(name);
    expect(text).toMatch(/uses:/);
    expect(unpinnedUses(text)).toEqual([]);
  });

  it('the pin check rejects tags, short SHAs and missing version comments', () => {
    expect(
      unpinnedUses(
        [
          '      - uses: actions/checkout@v4',
          '      - uses: actions/checkout@11bd719',
          '        uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683',
          '      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2',
        ].join('\n'),
      ),
    ).toHaveLength(3);
  });

  it.each(files)('%s grants no permissions at the top and only read/PR-comment rights per job', (name) => {
    const workflow = parse(name);
    expect(workflow.permissions).toEqual({});
    for (const job of Object.values(workflow.jobs)) {
      expect(job.permissions?.contents).toBe('read');
      const extra = Object.entries(job.permissions ?? {}).filter(([scope]) => scope !== 'contents');
      extra.forEach(([scope, level]) => expect([scope, level]).toEqual(['pull-requests', 'write']));
    }
  });

  it.each(files)('%s takes credentials only from secrets, and only in the steps that use them', (name) => {
    const workflow = parse(name);
    const credentials = ['IONOS_TOKEN', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', ...STACK_VARIABLES];
    for (const job of Object.values(workflow.jobs)) {
      expect(Object.keys((job as { env?: object }).env ?? {})).toEqual([]);
      for (const step of job.steps) {
        for (const [key, value] of Object.entries(step.env ?? {})) {
          if (key === PLAN_WITHOUT_SSH_KEY[0] && name === 'pull-request.yml') expect(value).toBe(PLAN_WITHOUT_SSH_KEY[1]);
          else if (credentials.includes(key)) expect(value).toMatch(/^\$\{\{ secrets\.[A-Z0-9_]+ \}\}$/);
        }
        const usesCredentials = credentials.some((key) => key in (step.env ?? {}));
        if (usesCredentials) expect(step.run).toMatch(/cdktf (diff|deploy)/);
      }
    }
    expect(source(name)).not.toMatch(/pull_request_target/);
  });

  it.each([
    ['deploy.yml', 'deploy', 'cdktf deploy'],
    ['pull-request.yml', 'diff', 'cdktf diff'],
  ])('%s gives every variable the stacks declare without a default a value', (name, jobId, command) => {
    const step = parse(name).jobs[jobId].steps.find((candidate) => candidate.run?.includes(command));
    expect(STACK_VARIABLES.length).toBeGreaterThan(0);
    expect(Object.keys(step?.env ?? {})).toEqual(expect.arrayContaining(STACK_VARIABLES));
  });

  it('runs tests, synth and a per-stack diff on pull requests, posting the diff as a comment', () => {
    const workflow = parse('pull-request.yml');
    expect(Object.keys(workflow.on)).toEqual(['pull_request']);
    const test = workflow.jobs.test.steps.map((step) => step.run ?? step.uses);
    expect(test).toEqual(expect.arrayContaining(['.ci/run', 'npm run synth']));
    const diff = workflow.jobs.diff;
    expect(diff.needs).toBe('test');
    expect(diff.if).toContain('github.event.pull_request.head.repo.full_name == github.repository');
    const diffStep = diff.steps.find((step) => step.run?.includes('cdktf diff'));
    expect(diffStep?.run).toContain('npx cdktf diff "$stack" --skip-synth');
    expect(diffStep?.run).toContain('for part in network frontend bbb monitoring');
    const comment = diff.steps.find((step) => step.uses?.startsWith('actions/github-script@'));
    expect(comment?.if).toContain('always()');
    expect(String(comment?.with?.script)).toContain('github.rest.issues.updateComment');
  });

  it('deploys on push to main, one run at a time, never cancelled, stacks in dependency order', () => {
    const workflow = parse('deploy.yml');
    expect(workflow.on).toHaveProperty('push', { branches: ['main'] });
    expect(workflow.concurrency).toEqual({ group: 'deploy', 'cancel-in-progress': false });
    const deploy = workflow.jobs.deploy.steps.find((step) => step.run?.includes('cdktf deploy'));
    expect(deploy?.run).toContain('npx cdktf deploy "$stack" --skip-synth --auto-approve');
    expect(deploy?.run).toContain('for part in network frontend bbb monitoring');
    const order = workflow.jobs.deploy.steps.map((step) => step.run ?? step.uses ?? '');
    const index = (pattern: RegExp) => order.findIndex((entry) => pattern.test(entry));
    expect(index(/^\.ci\/run$/)).toBeLessThan(index(/npm run synth/));
    expect(index(/npm run synth/)).toBeLessThan(index(/cdktf deploy/));
  });

  it('installs the Node LTS that package.json names and .ci/run tests on', () => {
    const root = path.resolve(__dirname, '..', '..');
    const engines = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
    const supported = /^>=(\d+)$/.exec(engines)?.[1];
    expect(readFileSync(path.join(root, '.ci', 'run'), 'utf8')).toMatch(new RegExp(`^NODE_LTS_VERSION=${supported}\\.\\d+\\.\\d+$`, 'm'));
    const installed = files.flatMap((name) =>
      Object.values(parse(name).jobs).flatMap((job) => job.steps.filter((step) => step.uses?.startsWith('actions/setup-node@')).map((step) => String(step.with?.['node-version']))),
    );
    expect(installed.length).toBeGreaterThan(0);
    expect(new Set(installed)).toEqual(new Set([supported]));
  });

  it('installs a Terraform that supports use_lockfile, without the output wrapper', () => {
    for (const name of files) {
      for (const job of Object.values(parse(name).jobs)) {
        const setup = job.steps.find((step) => step.uses?.startsWith('hashicorp/setup-terraform@'));
        if (!setup) continue;
        const [major, minor] = String(setup.with?.terraform_version).split('.').map(Number);
        expect(major * 100 + minor).toBeGreaterThanOrEqual(111);
        expect(setup.with?.terraform_wrapper).toBe(false);
      }
    }
  });
});

describeWithTool('shellcheck', 'workflow run scripts', () => {
  const scripts = files.flatMap((name) =>
    Object.entries(parse(name).jobs).flatMap(([jobId, job]) =>
      job.steps.filter((step) => step.run).map((step) => ({ label: `${name} ${jobId}: ${step.name ?? step.run}`, run: step.run! })),
    ),
  );

  it('.ci/run passes shellcheck', () => {
    const result = run('shellcheck', [path.resolve(__dirname, '..', '..', '.ci', 'run')]);
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it.each(scripts.map((script) => [script.label, script.run]))('%s passes shellcheck', (_label, script) => {
    // GitHub substitutes ${{ }} expressions before bash runs; a quoted word stands in.
    const bash = `#!/usr/bin/env bash\nset -e\n${script.replace(/\$\{\{[^}]*\}\}/g, 'EXPRESSION')}`;
    const result = run('shellcheck', ['-s', 'bash', '-'], { input: bash });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});
