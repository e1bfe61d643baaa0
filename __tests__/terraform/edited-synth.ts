/**
 * The example synthesized as if files in the repository had been edited (an alert rule,
 * a dashboard, a template), without writing to the repository: reads of the named
 * files return the edited text, in a fresh module registry so no module serves a copy
 * it read before.
 */
import * as path from 'node:path';
import type { EnvironmentConfig } from '../../config';
import type { SynthesizedEnvironment } from '../../testing/synth';

export type FileEdits = Readonly<Record<string, (text: string) => string>>;

const ROOT = path.resolve(__dirname, '../..');
/** The module object itself (not an import's copy of it), which the product's modules read through. */
const fs: typeof import('node:fs') = require('node:fs');

export function synthWithEditedFiles(config: EnvironmentConfig, outdir: string, edits: FileEdits): SynthesizedEnvironment {
  const byPath = new Map(Object.entries(edits).map(([file, edit]) => [path.resolve(ROOT, file), edit]));
  const readFileSync = fs.readFileSync;
  const spy = jest.spyOn(fs, 'readFileSync').mockImplementation(((file: import('node:fs').PathOrFileDescriptor, options?: unknown) => {
    const content = readFileSync(file, options as never) as string | Buffer;
    const edit = typeof file === 'string' ? byPath.get(path.resolve(file)) : undefined;
    if (!edit) return content;
    const edited = edit(content.toString());
    if (edited === content.toString()) throw new Error(`the edit of ${file} changed nothing`);
    return typeof content === 'string' ? edited : Buffer.from(edited);
  }) as typeof fs.readFileSync);
  try {
    let synthesized: SynthesizedEnvironment | undefined;
    jest.isolateModules(() => {
      const { synthEnvironmentInto } = require('../../testing/synth') as typeof import('../../testing/synth');
      synthesized = synthEnvironmentInto(config, outdir);
    });
    const unread = [...byPath.keys()].filter((file) => !spy.mock.calls.some(([read]) => typeof read === 'string' && path.resolve(read) === file));
    if (unread.length > 0) throw new Error(`synth never read ${unread.join(', ')}`);
    return synthesized!;
  } finally {
    spy.mockRestore();
  }
}
