/**
 * Reads an environment file: YAML (js-yaml, core schema: no custom types) with
 * guards for size and alias expansion, then strict validation. Every problem of a
 * file is reported at once, each naming its key path.
 */
import { readFileSync, statSync } from 'node:fs';
import * as yaml from 'js-yaml';
import * as v from 'valibot';
import { formatProblem, issueProblem } from './issues';
import { relationProblems } from './relations';
import { environmentSchema, type EnvironmentConfig } from './schema';

/** An environment file is a page of settings; anything larger is a mistake. */
const MAX_FILE_BYTES = 256 * 1024;
/** Nodes a document may expand to once aliases are followed (billion-laughs guard). */
const MAX_NODES = 20_000;

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
  const cannotRead = (error: unknown) => new ConfigError(file, [`cannot read file: ${(error as NodeJS.ErrnoException).code ?? String(error)}`]);
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

export function parseEnvironment(text: string, file = '<input>'): EnvironmentConfig {
  const document = parseYaml(text, file);
  const result = v.safeParse(environmentSchema, document);
  const shapeProblems = result.success ? [] : result.issues.map((issue) => issueProblem(environmentSchema, issue));
  const problems = [...shapeProblems, ...relationProblems(document)];
  if (!result.success || problems.length > 0) {
    throw new ConfigError(file, unique(problems.map((problem) => formatProblem(problem, '(document)'))));
  }
  return result.output;
}

function parseYaml(text: string, file: string): unknown {
  let document: unknown;
  try {
    document = yaml.load(text, { filename: file, schema: yaml.CORE_SCHEMA, json: false });
  } catch (error) {
    if (error instanceof yaml.YAMLException) {
      const { line, column } = error.mark ?? { line: -1, column: -1 };
      throw new ConfigError(file, [`line ${line + 1}, column ${column + 1}: YAML syntax error: ${error.reason}`]);
    }
    throw error;
  }
  if (document === undefined || document === null) {
    throw new ConfigError(file, ['file is empty: expected a mapping of settings (see environments/example.yaml)']);
  }
  if (typeof document !== 'object' || Array.isArray(document)) {
    const kind = Array.isArray(document) ? 'a list' : `a ${typeof document}`;
    throw new ConfigError(file, [`document is ${kind}: expected a mapping of settings (see environments/example.yaml)`]);
  }
  assertBoundedExpansion(document, file);
  return document;
}

/** Walks the parsed graph with a budget, so shared (aliased) subtrees cannot explode later work. */
function assertBoundedExpansion(document: object, file: string): void {
  let budget = MAX_NODES;
  const stack: unknown[] = [document];
  while (stack.length > 0) {
    const node = stack.pop();
    if (--budget < 0) {
      throw new ConfigError(file, [`document expands to more than ${MAX_NODES} values (aliases nested too deep); refusing to read it`]);
    }
    if (typeof node === 'object' && node !== null) {
      stack.push(...Object.values(node));
    }
  }
}

function unique(lines: string[]): string[] {
  return [...new Set(lines)];
}
