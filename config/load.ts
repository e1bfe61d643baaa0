/**
 * Reads an environment file: YAML (core schema: no custom types) with guards for size
 * and alias expansion, then strict validation. Every problem of a file is reported at
 * once, each with its line, column and key path.
 */
import { readFileSync, statSync } from 'node:fs';
import * as v from 'valibot';
import { expectsText, formatProblem, issueProblem, type Problem } from './issues';
import { relationProblems } from './relations';
import { environmentSchema, type EnvironmentConfig } from './schema';
import { readYaml, type Position, type YamlSource } from './yaml-source';

/** An environment file is a page of settings; anything larger is a mistake. */
const MAX_FILE_BYTES = 256 * 1024;

export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadEnvironmentFile(file: string): EnvironmentConfig {
  return parseEnvironment(readEnvironmentText(file), file);
}

function readEnvironmentText(file: string): string {
  const cannotRead = (error: unknown) => new ConfigError(file, [unreadable(error)]);
  let stats: ReturnType<typeof statSync>;
  try {
    stats = statSync(file);
  } catch (error) {
    throw cannotRead(error);
  }
  if (!stats.isFile()) {
    throw new ConfigError(file, ['is not a file: name an environment file such as environments/example.yaml']);
  }
  if (stats.size > MAX_FILE_BYTES) {
    throw new ConfigError(file, [`file is ${stats.size} bytes; an environment file may have at most ${MAX_FILE_BYTES}`]);
  }
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw cannotRead(error);
  }
}

function unreadable(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES') return 'cannot read file: permission denied';
  return `cannot read file: ${code ?? String(error)}`;
}

/** `line L, column C: ` of a key of a file already read once, for problems found across files. */
export function keyPosition(file: string, path: readonly (string | number)[]): string {
  const { line, column } = readYaml(readFileSync(file, 'utf8')).positionOf(path);
  return located({ line, column }, '');
}

export function parseEnvironment(text: string, file = '<input>'): EnvironmentConfig {
  const source = readYaml(text);
  if (source.problems.length > 0) {
    throw new ConfigError(file, source.problems.map(({ position, message }) => (position ? located(position, message) : message)));
  }
  const document = documentOf(source, file);
  const result = v.safeParse(environmentSchema, document);
  const shapeProblems = result.success ? [] : result.issues.map((issue) => issueProblem(environmentSchema, issue));
  const problems = [...shapeProblems, ...relationProblems(document)];
  if (!result.success || problems.length > 0) {
    const lines = problems
      .map((problem) => ({ position: source.positionOf(problem.path), text: formatProblem(withQuoteHint(problem, source), '(document)') }))
      .sort((a, b) => a.position.line - b.position.line || a.position.column - b.position.column)
      .map(({ position, text }) => located(position, text));
    throw new ConfigError(file, unique(lines));
  }
  return result.output;
}

function documentOf(source: YamlSource, file: string): object {
  const document = source.value;
  if (document === undefined || document === null) {
    throw new ConfigError(file, ['file is empty: expected a mapping of settings (see environments/example.yaml)']);
  }
  if (typeof document !== 'object' || Array.isArray(document)) {
    const kind = Array.isArray(document) ? 'a list' : `a ${typeof document}`;
    throw new ConfigError(file, [located(source.positionOf([]), `document is ${kind}: expected a mapping of settings (see environments/example.yaml)`)]);
  }
  return document;
}

/**
 * YAML reads `version: 3.0` as the number 3 and `bucket: 2024` as a number: where text
 * is expected, the value as written, in quotes, is what was meant.
 */
function withQuoteHint(problem: Problem, source: YamlSource): Problem {
  const written = expectsText(environmentSchema, problem.path) ? source.unquotedNonString(problem.path) : undefined;
  return written === undefined ? problem : { ...problem, message: `${problem.message}; write it in quotes ("${written}"), unquoted YAML reads it as ${describeScalar(written)}` };
}

function describeScalar(written: string): string {
  return /^(true|false)$/i.test(written) ? 'a boolean' : /^(null|~)$/i.test(written) ? 'null' : 'a number';
}

function located({ line, column }: Position, text: string): string {
  return `line ${line}, column ${column}: ${text}`;
}

function unique(lines: string[]): string[] {
  return [...new Set(lines)];
}
