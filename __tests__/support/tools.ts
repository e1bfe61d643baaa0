/**
 * Real validators (cloud-init, promtool, amtool, docker-compose, shellcheck, jq) come
 * from Debian packages. On a developer machine without them a test is skipped with a
 * reason; in CI (CI set) a missing tool fails the run instead of hiding a gap.
 */
import { spawnSync } from 'node:child_process';

export function hasTool(tool: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).status === 0;
}

/** `describe` when the tool exists; otherwise a skip (locally) or a failing test (CI). */
export function describeWithTool(tool: string, name: string, body: () => void): void {
  if (hasTool(tool)) {
    describe(name, body);
    return;
  }
  if (process.env.CI) {
    describe(name, () => {
      it(`needs ${tool}`, () => {
        throw new Error(`${tool} not installed: .ci/run must install it`);
      });
    });
    return;
  }
  const describeSkipped = describe.skip;
  describeSkipped(`${name} (skipped: ${tool} not installed)`, body);
}

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function run(command: string, args: string[], options: { input?: string; cwd?: string } = {}): RunResult {
  const result = spawnSync(command, args, { encoding: 'utf8', input: options.input, cwd: options.cwd, timeout: 120_000 });
  return { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}
