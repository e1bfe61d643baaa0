import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { loadEnvironmentFile, type EnvironmentConfig } from '../../config';

export const ROOT = path.resolve(__dirname, '..', '..');

/** environments/example.yaml, the configuration contract, optionally changed. */
export function exampleConfig(change: (config: EnvironmentConfig) => void = () => undefined): EnvironmentConfig {
  const config = loadEnvironmentFile(path.join(ROOT, 'environments', 'example.yaml'));
  change(config);
  return config;
}

/** A scratch directory removed by the returned cleanup. */
export function scratchDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), `${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
