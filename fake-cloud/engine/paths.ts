/**
 * Attribute patterns as the provider sources write them, with blocks written by name
 * only: `nic.firewall.port_range_end` stands for that attribute in every firewall rule
 * of every NIC. A pattern expands to the concrete paths present in a value.
 */
import { isObject, type Value } from '../values/value';
import type { AttributePath } from './diagnostics';

export interface Located {
  readonly path: AttributePath;
  readonly value: Value;
}

/** Every place a pattern names in a value; absent places are left out. */
export function locate(root: Value, pattern: string): Located[] {
  let found: Located[] = [{ path: [], value: root }];
  for (const segment of pattern.split('.')) {
    found = found.flatMap(({ path, value }) => {
      const elements: Located[] = Array.isArray(value)
        ? value.map((item, index) => ({ path: [...path, index], value: item }))
        : [{ path, value }];
      return elements.flatMap((element) =>
        isObject(element.value) && segment in element.value ? [{ path: [...element.path, segment], value: element.value[segment] }] : [],
      );
    });
  }
  return found;
}

export function valueAt(root: Value, path: AttributePath): Value {
  let current: Value = root;
  for (const step of path) {
    if (typeof step === 'number') current = Array.isArray(current) ? (current[step] ?? null) : null;
    else current = isObject(current) ? (current[step] ?? null) : null;
  }
  return current;
}

export function samePath(a: AttributePath, b: AttributePath): boolean {
  return a.length === b.length && a.every((step, index) => step === b[index]);
}
