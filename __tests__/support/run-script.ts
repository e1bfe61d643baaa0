/** Runs a project script as `npm run` does: Node with tsx's CommonJS hook, from any directory. */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const TSX_HOOK = require.resolve('tsx/cjs');

export interface ScriptOptions {
  readonly env?: Record<string, string>;
  readonly cwd?: string;
  readonly timeoutMs?: number;
}

export function runScript(script: string, args: string[], options: ScriptOptions = {}) {
  const result = spawnSync(process.execPath, ['--require', TSX_HOOK, path.join(ROOT, script), ...args], {
    cwd: options.cwd ?? ROOT,
    encoding: 'utf8',
    env: { ...process.env, ...options.env },
    timeout: options.timeoutMs,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
