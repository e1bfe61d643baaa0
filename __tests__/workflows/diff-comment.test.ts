import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as yaml from 'js-yaml';

/**
 * Runs the pull request workflow's comment script the way actions/github-script runs
 * it (an async function of `require`, `github`, `context`), against a fake of the
 * Octokit calls it makes, with diff outputs like the diff step writes.
 */
interface Step {
  uses?: string;
  with?: { script?: string };
}
const workflow = yaml.load(readFileSync(path.resolve(__dirname, '..', '..', '.github', 'workflows', 'pull-request.yml'), 'utf8')) as {
  jobs: { diff: { steps: Step[] } };
};
const script = workflow.jobs.diff.steps.find((step) => step.uses?.startsWith('actions/github-script@'))!.with!.script!;
const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (...args: string[]) => (...values: unknown[]) => Promise<void>;

interface Comment {
  id: number;
  body: string;
}

function fakeGithub(existing: Comment[]) {
  const calls: { method: string; params: Record<string, unknown> }[] = [];
  const listComments = async () => ({ data: existing });
  const github = {
    paginate: async (method: unknown, params: Record<string, unknown>) => {
      calls.push({ method: 'paginate:listComments', params });
      expect(method).toBe(listComments);
      return existing;
    },
    rest: {
      issues: {
        listComments,
        createComment: async (params: Record<string, unknown>) => void calls.push({ method: 'createComment', params }),
        updateComment: async (params: Record<string, unknown>) => void calls.push({ method: 'updateComment', params }),
      },
    },
  };
  return { github, calls };
}

const context = {
  repo: { owner: 'schools', repo: 'bbb-platform' },
  issue: { number: 42 },
  payload: { pull_request: { head: { sha: '0123456789abcdef0123456789abcdef01234567' } } },
};

describe('the pull request diff comment', () => {
  let dir: string;
  const cwd = process.cwd();

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'diff-comment-'));
    mkdirSync(path.join(dir, 'diff'));
    writeFileSync(path.join(dir, 'diff', 'schools-network.txt'), 'schools-network  No changes. Your infrastructure matches the configuration.\n');
    writeFileSync(path.join(dir, 'diff', 'schools-network.status'), 'ok\n');
    writeFileSync(path.join(dir, 'diff', 'schools-bbb.txt'), `${'x'.repeat(100_000)}\nschools-bbb  Plan: 3 to add, 1 to change, 0 to destroy.\n`);
    writeFileSync(path.join(dir, 'diff', 'schools-bbb.status'), 'failed\n');
    writeFileSync(path.join(dir, 'diff', 'schools-monitoring.txt'), 'Error: Unsupported attribute\n');
    writeFileSync(path.join(dir, 'diff', 'schools-monitoring.status'), 'upstream\n');
    process.chdir(dir);
  });

  afterEach(() => {
    process.chdir(cwd);
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates one comment with a summary per stack, within GitHub\'s size limit', async () => {
    const { github, calls } = fakeGithub([{ id: 7, body: 'unrelated' }]);
    await new AsyncFunction('require', 'github', 'context', script)(require, github, context);
    const created = calls.find((call) => call.method === 'createComment');
    expect(created?.params).toMatchObject({ owner: 'schools', repo: 'bbb-platform', issue_number: 42 });
    const body = String(created?.params.body);
    expect(body.startsWith('<!-- cdktf-diff -->')).toBe(true);
    expect(body).toContain('### cdktf diff for 0123456');
    expect(body).toContain('❌ <b>schools-bbb</b>: Plan: 3 to add, 1 to change, 0 to destroy.');
    expect(body).toContain('✅ <b>schools-network</b>: No changes.');
    expect(body).toContain('⏳ <b>schools-monitoring</b>: planned after its upstream stacks are deployed');
    expect(body.length).toBeLessThan(65_536);
  });

  it('updates its earlier comment instead of adding another', async () => {
    const { github, calls } = fakeGithub([{ id: 7, body: 'unrelated' }, { id: 9, body: '<!-- cdktf-diff -->\nold' }]);
    await new AsyncFunction('require', 'github', 'context', script)(require, github, context);
    expect(calls.map((call) => call.method)).toEqual(['paginate:listComments', 'updateComment']);
    expect(calls[1].params).toMatchObject({ comment_id: 9 });
  });
});
