/**
 * cdk.tf.json as cdktf writes it (json-stable-stringify: keys sorted, two-space
 * indent), faster for the megabytes a large pool writes: the keys are sorted into new
 * objects and the native JSON.stringify lays them out, which gives the same text but
 * for empty objects and lists: json-stable-stringify opens and closes those on two
 * lines, so they travel as marker strings (starting with a NUL character) and are
 * written out afterwards. Not when an object has integer-like keys (JavaScript puts
 * those first, in numeric order, whatever the insertion order) or the data holds a NUL
 * character anywhere: such a document goes to json-stable-stringify itself.
 */
import stableStringify from 'json-stable-stringify';

const INTEGER_LIKE = /^(0|[1-9]\d*)$/;
const EMPTY_OBJECT = '\u0000{}';
const EMPTY_LIST = '\u0000[]';
/** How JSON.stringify writes the start of either marker. */
const WRITTEN_MARKER = JSON.stringify('\u0000').slice(0, -1);

class NeedsStableStringify extends Error {}

function sortedCopy(node: unknown, ancestors: Set<object>): unknown {
  const value = typeof (node as { toJSON?: unknown } | null)?.toJSON === 'function' ? (node as { toJSON(): unknown }).toJSON() : node;
  if (typeof value === 'string' && value.includes('\u0000')) throw new NeedsStableStringify();
  if (value === null || typeof value !== 'object') return value;
  // The same message json-stable-stringify gives for a cycle.
  if (ancestors.has(value)) throw new TypeError('Converting circular structure to JSON');
  ancestors.add(value);
  let copy: unknown;
  if (Array.isArray(value)) {
    copy = value.length === 0 ? EMPTY_LIST : value.map((item) => sortedCopy(item, ancestors));
  } else {
    // No prototype: a key named __proto__ stays a key.
    const sorted: Record<string, unknown> = Object.create(null);
    let entries = 0;
    for (const key of Object.keys(value).sort()) {
      if (INTEGER_LIKE.test(key) || key.includes('\u0000')) throw new NeedsStableStringify();
      const item = sortedCopy((value as Record<string, unknown>)[key], ancestors);
      if (item === undefined) continue;
      sorted[key] = item;
      entries += 1;
    }
    copy = entries === 0 ? EMPTY_OBJECT : sorted;
  }
  ancestors.delete(value);
  return copy;
}

/** Each marker as json-stable-stringify writes an empty container: its closing bracket on a line of its own, indented like the line it opens on. */
function openEmptyContainers(text: string): string {
  const parts: string[] = [];
  let from = 0;
  for (let at = text.indexOf(WRITTEN_MARKER); at >= 0; at = text.indexOf(WRITTEN_MARKER, from)) {
    const [open, close] = text.slice(at + WRITTEN_MARKER.length, at + WRITTEN_MARKER.length + 2);
    const lineStart = text.lastIndexOf('\n', at) + 1;
    const indent = /^ */.exec(text.slice(lineStart, at))![0];
    parts.push(text.slice(from, at), open, '\n', indent, close);
    // The marker's two brackets and its closing quote.
    from = at + WRITTEN_MARKER.length + 3;
  }
  parts.push(text.slice(from));
  return parts.join('');
}

export function stableJson(value: unknown): string {
  try {
    return openEmptyContainers(JSON.stringify(sortedCopy(value, new Set()), null, 2));
  } catch (error) {
    if (!(error instanceof NeedsStableStringify)) throw error;
    return stableStringify(value, { space: 2 }) as string;
  }
}
