import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { collisionProblems, ConfigError, loadEnvironmentFile, type EnvironmentConfig, type LoadedEnvironment } from '../config';

export const ENVIRONMENTS_DIR = path.resolve(__dirname, '..', 'environments');

/** Every environments/*.yaml, sorted. */
export function shippedEnvironmentFiles(): string[] {
  return readdirSync(ENVIRONMENTS_DIR)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => path.join(ENVIRONMENTS_DIR, name));
}

/** The environment files to synthesize: ENVIRONMENTS (comma-separated paths) or every environments/*.yaml. */
export function environmentFiles(): string[] {
  const selected = process.env.ENVIRONMENTS?.split(',').map((file) => file.trim()).filter(Boolean);
  if (!selected?.length) return shippedEnvironmentFiles();
  const missing = selected.filter((file) => !existsSync(file));
  if (missing.length > 0) {
    const shipped = shippedEnvironmentFiles().map((file) => path.relative(process.cwd(), file));
    throw new ConfigError(
      'ENVIRONMENTS',
      missing.map(
        (file) =>
          `"${file}" is no file: ENVIRONMENTS takes paths separated by commas, such as ${shipped.join(',') || 'environments/<name>.yaml'}` +
          ` (environments/ holds ${shipped.length ? shipped.join(', ') : 'no .yaml file'})`,
      ),
    );
  }
  return selected;
}

/** Loads every file; all files' problems are reported together, and no two files may collide (name, domain). */
export function loadEnvironments(files: string[]): EnvironmentConfig[] {
  const problems: string[] = [];
  /** The first problem, when it is one file's own error: reported as it is if nothing else is wrong. */
  let firstFileError: ConfigError | undefined;
  const loaded: LoadedEnvironment[] = [];
  for (const file of files) {
    try {
      loaded.push({ file, config: loadEnvironmentFile(file) });
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      if (problems.length === 0) firstFileError = error;
      // A file's own problems, indented under its name.
      problems.push(error.message.replaceAll('\n', '\n  '));
    }
  }
  problems.push(...collisionProblems(loaded));
  if (firstFileError && problems.length === 1) throw firstFileError;
  if (problems.length > 0) throw new ConfigError('environments', problems);
  return loaded.map(({ config }) => config);
}
