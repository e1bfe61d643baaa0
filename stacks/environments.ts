import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { ConfigError, loadEnvironmentFile, type EnvironmentConfig } from '../config';

export const ENVIRONMENTS_DIR = path.resolve(__dirname, '..', 'environments');

/** The environment files to synthesize: ENVIRONMENTS (comma-separated paths) or every environments/*.yaml. */
export function environmentFiles(): string[] {
  const selected = process.env.ENVIRONMENTS?.split(',').map((file) => file.trim()).filter(Boolean);
  if (selected?.length) return selected;
  return readdirSync(ENVIRONMENTS_DIR)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => path.join(ENVIRONMENTS_DIR, name));
}

/** Loads every file; all files' problems are reported together, and two files may not share a name. */
export function loadEnvironments(files: string[]): EnvironmentConfig[] {
  const problems: string[] = [];
  /** The first problem, when it is one file's own error: reported as it is if nothing else is wrong. */
  let firstFileError: ConfigError | undefined;
  const configs: EnvironmentConfig[] = [];
  const owners = new Map<string, string>();
  for (const file of files) {
    try {
      const config = loadEnvironmentFile(file);
      const owner = owners.get(config.name);
      if (owner) {
        problems.push(`${file}: name: "${config.name}" is already used by ${owner}`);
      } else {
        owners.set(config.name, file);
        configs.push(config);
      }
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      if (problems.length === 0) firstFileError = error;
      // A file's own problems, indented under its name.
      problems.push(error.message.replaceAll('\n', '\n  '));
    }
  }
  if (firstFileError && problems.length === 1) throw firstFileError;
  if (problems.length > 0) throw new ConfigError('environments', problems);
  return configs;
}
