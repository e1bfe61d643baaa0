/**
 * Valibot's issues in the words the rest of the project uses: a key path and a short
 * reason that names the value found, e.g. `bbb.cores: must be >= 4, got 2`.
 */
import { closest, distance } from 'fastest-levenshtein';
import type * as v from 'valibot';

type KeyPath = (string | number)[];

export interface Problem {
  path: KeyPath;
  message: string;
}

type Issue = v.BaseIssue<unknown>;

/** The parts of a schema object this module looks into to find what a key expects. */
interface SchemaShape {
  readonly type: string;
  readonly entries?: Record<string, SchemaShape>;
  readonly item?: SchemaShape;
  readonly wrapped?: SchemaShape;
  readonly options?: readonly unknown[];
  readonly literal?: unknown;
}

/** What a value of each schema type is called in a message. */
const KINDS: Record<string, string | undefined> = {
  object: 'a mapping',
  strict_object: 'a mapping',
  loose_object: 'a mapping',
  record: 'a mapping',
  array: 'a list',
  tuple: 'a list',
  strict_tuple: 'a list',
  string: 'a string',
  number: 'a number',
  boolean: 'a boolean',
};

const COMPARISONS: Record<string, string> = { min_value: '>=', max_value: '<=', gt_value: '>', lt_value: '<', min_length: '>=', max_length: '<=' };

export function issueProblem(root: v.GenericSchema, issue: Issue): Problem {
  const path = (issue.path ?? []).map((item) => item.key as string | number);
  // Valibot reads a list where a mapping belongs as a mapping with the wrong keys.
  const container = issue.path?.at(-1);
  if (container?.type === 'object' && Array.isArray(container.input)) {
    return { path: path.slice(0, -1), message: 'must be a mapping, got a list' };
  }
  return { path, message: reason(root, issue, path) };
}

/** `key.path: reason`; `root` names the whole document when the path is empty. */
export function formatProblem({ path, message }: Problem, root: string): string {
  const key = path.map((segment) => (typeof segment === 'number' ? `[${segment}]` : `.${segment}`)).join('').replace(/^\./, '');
  return `${key || root}: ${message}`;
}

/** The first issue of a response that did not have the documented shape, as one line. */
export function firstIssueLine(root: v.GenericSchema, issues: readonly Issue[]): string {
  return issues.length ? formatProblem(issueProblem(root, issues[0]), '(response)') : 'invalid';
}

function reason(root: v.GenericSchema, issue: Issue, path: KeyPath): string {
  const { input } = issue;
  const comparison = COMPARISONS[issue.type];
  if (issue.kind === 'schema') {
    const expected = schemaAt(root as unknown as SchemaShape, path);
    if (input === undefined) return requiredReason(expected);
    if (issue.expected === 'never') return unknownKeyReason(root as unknown as SchemaShape, path);
    const values = expected && choices(expected);
    if (values) return `must be one of ${values}, got ${describe(input)}`;
    // A variant expects an object, or one of its discriminator's values.
    const kind = KINDS[issue.type] ?? (issue.expected === 'Object' ? 'a mapping' : (issue.expected ?? issue.type));
    return `must be ${kind}, got ${describe(input)}`;
  }
  if (comparison && Array.isArray(input)) return `must list ${comparison} ${String(issue.requirement)} entries, got ${input.length}`;
  if (comparison && typeof input === 'string') return `must have ${comparison} ${String(issue.requirement)} characters`;
  if (comparison) return `must be ${comparison} ${String(issue.requirement)}, got ${describe(input)}`;
  if (issue.type === 'integer') return `must be an integer, got ${describe(input)}`;
  // Checks word their own reasons; a pattern's message says what it wants, not what it got.
  if (issue.type === 'check' || issue.type === 'raw_check') return issue.message;
  return `${issue.message}, got ${describe(input)}`;
}

function requiredReason(expected: SchemaShape | undefined): string {
  const values = expected && choices(expected);
  if (values) return `is required: one of ${values}`;
  const kind = expected && KINDS[expected.type];
  return kind ? `is required (${kind})` : 'is required';
}

/** Whether the key at `path` takes text (a string, or one of some strings). */
export function expectsText(root: v.GenericSchema, path: KeyPath): boolean {
  const schema = schemaAt(root as unknown as SchemaShape, path);
  if (schema?.type === 'string') return true;
  if (schema?.type === 'picklist') return schema.options?.every((option) => typeof option === 'string') ?? false;
  return schema?.type === 'literal' && typeof schema.literal === 'string';
}

/** A misspelt key names the known key nearest to it; anything else lists the keys that belong there. */
function unknownKeyReason(root: SchemaShape, path: KeyPath): string {
  const key = String(path.at(-1));
  const known = Object.keys(schemaAt(root, path.slice(0, -1))?.entries ?? {});
  if (known.length === 0) return 'unknown key';
  const nearest = closest(key, known);
  if (distance(key.toLowerCase(), nearest.toLowerCase()) <= Math.max(1, Math.floor(key.length / 2))) {
    return `unknown key; did you mean ${nearest}?`;
  }
  return `unknown key; the keys here are ${known.join(', ')}`;
}

/** The schema a key path leads to, through objects, lists and optional wrappers. */
function schemaAt(root: SchemaShape, path: KeyPath): SchemaShape | undefined {
  let schema: SchemaShape | undefined = root;
  for (const key of path) {
    while (schema?.wrapped) schema = schema.wrapped;
    schema = typeof key === 'number' ? schema?.item : schema?.entries?.[key];
  }
  while (schema?.wrapped) schema = schema.wrapped;
  return schema;
}

function choices(schema: SchemaShape): string | undefined {
  if (schema.type === 'picklist') return schema.options?.map((option) => JSON.stringify(option)).join(', ');
  if (schema.type === 'literal') return JSON.stringify(schema.literal);
  return undefined;
}


function describe(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'object') return 'a mapping';
  if (typeof input === 'string') return JSON.stringify(input.length > 60 ? `${input.slice(0, 57)}...` : input);
  return String(input);
}
