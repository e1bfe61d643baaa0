/** Runs a project script as `npm run` does (see scripts/ts-runner.ts), from any directory. */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { TS_RUNNER } from '../../scripts/ts-runner';

const ROOT = path.resolve(__dirname, '../..');

export interface ScriptOptions {
  readonly env?: Record<string, string>;
  readonly cwd?: string;
  readonly timeoutMs?: number;
}

export function runScript(script: string, args: string[], options: ScriptOptions = {}) {
  const result = spawnSync(TS_RUNNER[0], [...TS_RUNNER.slice(1), path.join(ROOT, script), ...args], {
    cwd: options.cwd ?? ROOT,
    encoding: 'utf8',
    env: { ...process.env, ...options.env },
    timeout: options.timeoutMs,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
