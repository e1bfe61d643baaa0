/**
 * An environment file as YAML text that remembers where each value stands. Read with
 * the `yaml` package (eemeli/yaml): its document keeps every node's offsets, which a
 * LineCounter turns into line and column, so a problem found later by key path
 * (`bbb.pool.size`) points at the line to edit. js-yaml hands back plain values only.
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, Scalar, type Document, type Node } from 'yaml';

type KeyPath = readonly (string | number)[];

export interface Position {
  readonly line: number;
  readonly column: number;
}

/** Something wrong with the text itself: where (unless it is the whole document), and what. */
export interface TextProblem {
  readonly position?: Position;
  readonly message: string;
}

export interface YamlSource {
  /** The document as plain JavaScript values (aliases resolved), or undefined when empty. */
  readonly value: unknown;
  /** Syntax errors, unknown tags and keys given twice; the value is not to be trusted when any. */
  readonly problems: readonly TextProblem[];
  /** Where the value at `path` is written; for a key that is missing, where its mapping is. */
  positionOf(path: KeyPath): Position;
  /** The text of a plain (unquoted) scalar that YAML read as something other than a string. */
  unquotedNonString(path: KeyPath): string | undefined;
}

/** Alias expansions a document may need (yaml's guard against billion-laughs documents). */
const MAX_ALIAS_COUNT = 100;

export function readYaml(text: string): YamlSource {
  const lines = new LineCounter();
  // YAML 1.2's core schema: plain JSON types only (no timestamps, no sexagesimal 07:15),
  // and tags such as !!js/function stay unresolved, which is reported below.
  const document = parseDocument(text, { lineCounter: lines, schema: 'core', uniqueKeys: false, prettyErrors: false });
  const at = (offset: number): Position => {
    const { line, col } = lines.linePos(offset);
    return { line, column: col };
  };
  // One error per place: yaml may explain one mistake in two ways.
  const errors = [...document.errors, ...document.warnings].filter(
    (error, index, all) => all.findIndex((other) => other.pos[0] === error.pos[0]) === index,
  );
  const problems: TextProblem[] = errors.map((error) => ({ position: at(error.pos[0]), message: `YAML syntax error: ${error.message}` }));
  if (problems.length === 0) problems.push(...duplicateKeys(document, at));
  const value = problems.length === 0 ? toValue(document, problems) : undefined;

  const nodeAt = (path: KeyPath): { node: Node | null; anchor: Node | null } => {
    let node = resolve(document, document.contents);
    let anchor: Node | null = node;
    for (const key of path) {
      let keyNode: Node | undefined;
      let child: Node | null | undefined;
      if (isMap(node)) {
        const pair = node.items.find((candidate) => isScalar(candidate.key) && String(candidate.key.value) === String(key));
        keyNode = pair?.key as Node | undefined;
        child = pair?.value as Node | null | undefined;
      } else if (isSeq(node) && typeof key === 'number') {
        keyNode = child = node.items[key] as Node | undefined;
      }
      if (!keyNode) return { node: null, anchor };
      anchor = keyNode;
      node = resolve(document, child);
    }
    return { node, anchor };
  };

  return {
    value,
    problems,
    positionOf: (path) => at(nodeAt(path).anchor?.range?.[0] ?? 0),
    unquotedNonString: (path) => {
      const { node } = nodeAt(path);
      if (!isScalar(node) || node.type !== Scalar.PLAIN || typeof node.value === 'string') return undefined;
      return text.slice(node.range![0], node.range![1]);
    },
  };
}

function resolve(document: Document, node: Node | null | undefined): Node | null {
  return isAlias(node) ? ((node.resolve(document) as Node | undefined) ?? null) : (node ?? null);
}

/** YAML allows no key twice in one mapping; naming it with its path says which. */
function duplicateKeys(document: Document, at: (offset: number) => Position): TextProblem[] {
  const problems: TextProblem[] = [];
  const visit = (node: unknown, path: string): void => {
    if (isMap(node)) {
      const first = new Map<string, Node>();
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
        const keyPath = key === undefined ? path : path ? `${path}.${key}` : key;
        if (key !== undefined) {
          const earlier = first.get(key);
          if (earlier) {
            problems.push({
              position: at((pair.key as Node).range?.[0] ?? 0),
              message: `${keyPath}: duplicated key; the first ${key} is on line ${at(earlier.range?.[0] ?? 0).line}`,
            });
          } else {
            first.set(key, pair.key as Node);
          }
        }
        visit(pair.value, keyPath);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => visit(item, `${path}[${index}]`));
    }
  };
  visit(document.contents, '');
  return problems;
}

function toValue(document: Document, problems: TextProblem[]): unknown {
  try {
    return document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    problems.push({ message: 'document expands too far through its aliases (nested too deep); refusing to read it' });
    return undefined;
  }
}
