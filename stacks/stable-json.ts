/**
 * cdk.tf.json as cdktf writes it (json-stable-stringify: keys sorted, two-space
 * indent), several times faster for the megabytes a large pool writes: the keys are
 * sorted into new objects and the native JSON.stringify lays them out, which gives
 * the same text but for empty objects and lists, which json-stable-stringify opens and
 * closes on two lines. Not when an object has integer-like keys: JavaScript puts those
 * first, in numeric order, whatever the insertion order, so such a document goes to
 * json-stable-stringify itself.
 */
import stableStringify from 'json-stable-stringify';

const INTEGER_LIKE = /^(0|[1-9]\d*)$/;

class NeedsStableStringify extends Error {}

function sortedCopy(node: unknown, ancestors: Set<object>): unknown {
  const value = typeof (node as { toJSON?: unknown } | null)?.toJSON === 'function' ? (node as { toJSON(): unknown }).toJSON() : node;
  if (value === null || typeof value !== 'object') return value;
  // The same message json-stable-stringify gives for a cycle.
  if (ancestors.has(value)) throw new TypeError('Converting circular structure to JSON');
  ancestors.add(value);
  let copy: unknown;
  if (Array.isArray(value)) {
    copy = value.map((item) => sortedCopy(item, ancestors));
  } else {
    const keys = Object.keys(value).sort();
    if (keys.some((key) => INTEGER_LIKE.test(key))) throw new NeedsStableStringify();
    // No prototype: a key named __proto__ stays a key.
    const sorted: Record<string, unknown> = Object.create(null);
    for (const key of keys) sorted[key] = sortedCopy((value as Record<string, unknown>)[key], ancestors);
    copy = sorted;
  }
  ancestors.delete(value);
  return copy;
}

/**
 * An empty object or list as a value in JSON.stringify's layout: alone on its line
 * after the indent and an optional key, so `{}` inside a string never matches.
 */
const EMPTY_CONTAINER = /^( *)("(?:[^"\\]|\\.)*": )?(\{\}|\[\])/gm;

function openEmptyContainers(text: string): string {
  return text.replace(EMPTY_CONTAINER, (_, indent: string, key = '', empty: string) => `${indent}${key}${empty[0]}\n${indent}${empty[1]}`);
}

export function stableJson(value: unknown): string {
  try {
    return openEmptyContainers(JSON.stringify(sortedCopy(value, new Set()), null, 2));
  } catch (error) {
    if (!(error instanceof NeedsStableStringify)) throw error;
    return stableStringify(value, { space: 2 }) as string;
  }
}
