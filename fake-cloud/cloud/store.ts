/**
 * The fake cloud's own record of what exists: one JSON file per resource, below the
 * directory in FAKE_CLOUD_DIR. Terraform starts a provider process per command (often
 * several), so the cloud lives on disk, not in a process. ReadResource answers from
 * here, which is how a test changes a server behind Terraform's back, as the
 * autoscaler does. Numbers and addresses are handed out by creating a file for each
 * exclusively, so parallel Terraform runs never receive the same one.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { ObjectValue } from '../values/value';

export const CLOUD_DIR_VARIABLE = 'FAKE_CLOUD_DIR';

export class CloudStore {
  constructor(readonly directory: string) {}

  static fromEnvironment(): CloudStore {
    const directory = process.env[CLOUD_DIR_VARIABLE];
    if (!directory) throw new Error(`${CLOUD_DIR_VARIABLE} is not set: the fake cloud needs a directory for its records`);
    return new CloudStore(directory);
  }

  read(type: string, id: string): ObjectValue | undefined {
    const file = this.fileOf(type, id);
    return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ObjectValue) : undefined;
  }

  write(type: string, id: string, record: ObjectValue): void {
    const file = this.fileOf(type, id);
    mkdirSync(path.dirname(file), { recursive: true });
    const partial = `${file}.${process.pid}.partial`;
    writeFileSync(partial, JSON.stringify(record));
    renameSync(partial, file);
  }

  remove(type: string, id: string): void {
    rmSync(this.fileOf(type, id), { force: true });
  }

  /** Every record of a type, by id. */
  list(type: string): Map<string, ObjectValue> {
    const directory = path.join(this.directory, 'resources', type);
    if (!existsSync(directory)) return new Map();
    return new Map(
      readdirSync(directory)
        .filter((name) => name.endsWith('.json'))
        .map((name) => [decodeURIComponent(name.slice(0, -'.json'.length)), JSON.parse(readFileSync(path.join(directory, name), 'utf8'))]),
    );
  }

  /** The first of `candidates` nobody took yet in `pool`, taken for good. */
  claim(pool: string, candidates: Iterable<string>): string {
    const directory = path.join(this.directory, 'claims', pool);
    mkdirSync(directory, { recursive: true });
    for (const candidate of candidates) {
      try {
        closeSync(openSync(path.join(directory, encodeURIComponent(candidate)), 'wx'));
        return candidate;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }
    throw new Error(`the fake cloud has nothing left in ${pool}`);
  }

  private fileOf(type: string, id: string): string {
    return path.join(this.directory, 'resources', type, `${encodeURIComponent(id)}.json`);
  }
}
