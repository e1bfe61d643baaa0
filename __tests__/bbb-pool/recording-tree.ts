/**
 * A fake BigBlueButton recording tree, laid out as the record-and-playback workers
 * leave it at each step, and the recording count script exactly as a BBB server
 * receives it, run for real (bash) against that tree.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { renderBbbCloudConfig } from '../../constructs/bbb-pool/bbb-cloud-config';
import { exampleConfig } from '../../testing/synth';
import { run } from '../support/tools';

export interface DeliveredFile {
  readonly path: string;
  readonly content: string;
  readonly permissions: string;
}

/** The cloud-config a BBB server receives, parsed. */
export const bbbDocument = yaml.load(
  renderBbbCloudConfig(exampleConfig(), { fqdn: 'bbb-01.bbb.example.org', bbbSecret: 'secret01' }).replace(/^#cloud-config\n/, ''),
) as { write_files: DeliveredFile[]; runcmd: string[][] };

export function deliveredFile(filePath: string): DeliveredFile {
  const found = bbbDocument.write_files.find((entry) => entry.path === filePath);
  if (!found) throw new Error(`no file ${filePath} in cloud-config`);
  return found;
}

/** An internal meeting id as BigBlueButton makes them: sha1 hex, '-', creation time in ms. */
export const meetingId = (n: number) => `${n.toString(16).padStart(40, 'c')}-${1_700_000_000_000 + n}`;

const STEPS = ['raw', 'archived', 'sanity', 'processed', 'published'] as const;

/** The files BigBlueButton has left for a recording that has got as far as `step`. */
export function upTo(step: (typeof STEPS)[number], id: string, formats = ['presentation']): string[] {
  const reached = (name: (typeof STEPS)[number]) => STEPS.indexOf(name) <= STEPS.indexOf(step);
  return [
    `raw/${id}/`,
    ...(reached('archived') ? [`status/archived/${id}.done`] : []),
    ...(reached('sanity') ? [`status/sanity/${id}.done`] : []),
    ...(reached('processed') ? formats.map((format) => `status/processed/${id}-${format}.done`) : []),
    ...(reached('published') ? formats.map((format) => `status/published/${id}-${format}.done`) : []),
  ];
}

/** /var/bigbluebutton/recording, Scalelite's work directory and the textfile directory, in a temporary directory. */
export class RecordingTree {
  readonly root = mkdtempSync(path.join(tmpdir(), 'bbb-recordings-'));
  readonly recordingDir = path.join(this.root, 'recording');
  readonly transferDir = path.join(this.root, 'scalelite');
  readonly textfileDir = path.join(this.root, 'textfile');
  readonly output = path.join(this.textfileDir, 'bbb-recordings.prom');

  /** Creates `files` below the recording directory; a name ending in / is a directory. */
  add(...files: string[]): this {
    for (const name of files) {
      const target = path.join(this.recordingDir, name);
      mkdirSync(name.endsWith('/') ? target : path.dirname(target), { recursive: true });
      if (!name.endsWith('/')) writeFileSync(target, '');
    }
    return this;
  }

  transferring(name: string): this {
    mkdirSync(this.transferDir, { recursive: true });
    writeFileSync(path.join(this.transferDir, name), '');
    return this;
  }

  /** Runs the script as delivered, with its paths pointed at this tree. */
  count(script: string) {
    const file = path.join(this.root, 'bbb-recording-metrics');
    writeFileSync(file, script);
    const paths = [`RECORDING_DIR=${this.recordingDir}`, `TRANSFER_DIR=${this.transferDir}`, `TEXTFILE_DIR=${this.textfileDir}`];
    return run('env', [...paths, 'bash', file]);
  }

  /** The file the script wrote. */
  written(): string {
    return readFileSync(this.output, 'utf8');
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** What node_exporter's textfile collector serves on a server with `pending` unfinished and `failed` failed recordings. */
export function recordingCountText(script: string, recordings: { pending: number; failed: number }): string {
  const tree = new RecordingTree();
  try {
    for (let n = 1; n <= recordings.pending; n++) tree.add(...upTo('sanity', meetingId(n)));
    for (let n = 1; n <= recordings.failed; n++) tree.add(`raw/${meetingId(1000 + n)}/`, `status/archived/${meetingId(1000 + n)}.fail`);
    const result = tree.count(script);
    if (result.status !== 0) throw new Error(`recording count failed: ${result.stderr}`);
    return tree.written();
  } finally {
    tree.remove();
  }
}
