/** `terraform validate` of synthesized stacks, with the fake cloud's providers installed. */
import { cpSync } from 'node:fs';
import * as path from 'node:path';
import { succeeded } from './deploy';
import type { FakeCloudSession } from './session';

export interface Validation {
  readonly valid: boolean;
  readonly error_count: number;
  readonly warning_count: number;
  readonly diagnostics: readonly { readonly severity: string; readonly summary: string; readonly detail?: string }[];
}

/** Validates a stack directory in place (no backend is initialized). */
export async function validateStack(session: FakeCloudSession, directory: string): Promise<Validation> {
  const workspace = await session.stack(directory, { backend: false });
  succeeded(workspace.name, 'init', await workspace.init());
  return JSON.parse((await workspace.validate()).stdout) as Validation;
}

/**
 * Validates copies of the stacks below `stacksDirectory` (the originals stay as they
 * are: no override file or .terraform directory lands in cdktf.out), side by side.
 * Returns each finding as `<stack>: <severity>: <summary> <detail>`.
 */
export async function validateCopies(session: FakeCloudSession, stacksDirectory: string, stacks: readonly string[]): Promise<string[]> {
  const results = await Promise.all(
    stacks.map(async (stack) => {
      const copy = path.join(session.root, 'validate', stack);
      cpSync(path.join(stacksDirectory, stack), copy, { recursive: true, filter: (source) => !source.includes(`${path.sep}.terraform`) });
      return [stack, await validateStack(session, copy)] as const;
    }),
  );
  return results.flatMap(([stack, result]) =>
    result.diagnostics.map((diagnostic) => `${stack}: ${diagnostic.severity}: ${diagnostic.summary}${diagnostic.detail ? ` ${diagnostic.detail}` : ''}`),
  );
}
