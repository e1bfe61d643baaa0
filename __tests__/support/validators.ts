/**
 * Runs the real validators over rendered artifacts: cloud-init's schema check,
 * docker-compose's config check and shellcheck. Terraform references in rendered
 * text are replaced by dummy values first (what the VM sees after apply).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { run, type RunResult } from './tools';

const REPOSITORY_ROOT = path.resolve(__dirname, '../..');
const TOKEN = /\$\{TfToken\[[a-zA-Z0-9:._-]+\]\}/g;

/** Replaces every cdktf string token by a dummy value that is safe in URLs, YAML and env files. */
export function withDummyValues(text: string): string {
  let counter = 0;
  return text.replace(TOKEN, () => `dummy${String(++counter).padStart(4, '0')}`);
}

export function hasTokens(text: string): boolean {
  return new RegExp(TOKEN.source).test(text);
}

function inTempDir<T>(body: (dir: string) => T): T {
  const dir = mkdtempSync(path.join(tmpdir(), 'render-check-'));
  try {
    return body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function cloudInitSchema(document: string): RunResult {
  return inTempDir((dir) => {
    const file = path.join(dir, 'user-data.yaml');
    writeFileSync(file, document);
    return run('cloud-init', ['schema', '--config-file', file]);
  });
}

/** shellcheck over a script, following the files it sources (`# shellcheck source=templates/...`, from the repository root). */
export function shellcheck(script: string): RunResult {
  return run('shellcheck', ['--severity=style', '--external-sources', '-'], { input: script, cwd: REPOSITORY_ROOT });
}

/** `docker-compose config -q` over compose files (relative names) with their sibling files written next to them. */
export function composeConfig(files: Record<string, string>, composeFiles: string[]): RunResult {
  return inTempDir((dir) => {
    for (const [name, content] of Object.entries(files)) {
      const target = path.join(dir, name);
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, content);
    }
    const args = composeFiles.flatMap((file) => ['-f', file]);
    return run('docker-compose', ['--project-directory', dir, ...args, 'config', '-q'], { cwd: dir });
  });
}
