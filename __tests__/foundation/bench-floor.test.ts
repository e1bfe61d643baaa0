import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Testing } from 'cdktf';
import { readDocuments, replayDocuments, type StackDocument } from '../../scripts/bench/replay-output';
import { exampleConfig, synthEnvironment } from '../../testing/synth';

type Sections = Pick<StackDocument, 'resource' | 'data' | 'locals'>;

/** The sections the floor declares again, without cdktf's per-element metadata. */
function sections(document: StackDocument): Sections {
  const withoutMetadata = (elements: StackDocument['resource']) =>
    elements &&
    Object.fromEntries(
      Object.entries(elements).map(([type, byId]) => [
        type,
        Object.fromEntries(Object.entries(byId).map(([id, body]) => [id, Object.fromEntries(Object.entries(body).filter(([key]) => key !== '//'))])),
      ]),
    );
  return { resource: withoutMetadata(document.resource), data: withoutMetadata(document.data), locals: document.locals };
}

describe('synth benchmark floor (cdktf writing the example\'s documents)', () => {
  it('writes the same resources, data sources and locals as the example', () => {
    const original = synthEnvironment(exampleConfig()).stacks as Record<string, StackDocument>;
    const outdir = mkdtempSync(path.join(tmpdir(), 'replay-'));
    try {
      const app = Testing.app({ outdir });
      replayDocuments(app, original);
      app.synth();
      const replayed = readDocuments(outdir);
      expect(Object.keys(replayed).sort()).toEqual(Object.keys(original).sort());
      for (const name of Object.keys(original)) {
        expect(sections(replayed[name])).toEqual(sections(original[name]));
      }
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});
