/**
 * Terraform values as the fake handles them: plain JavaScript (null, string, number,
 * boolean, arrays for lists, sets and tuples, objects for maps and objects) plus
 * `Unknown` for a value known only after apply.
 */
export class Unknown {
  /**
   * On the wire an unknown is a msgpack extension; its payload may carry refinements
   * (hashicorp/terraform v1.11.4 docs/plugin-protocol/object-wire-format.md). They are
   * kept as received and sent back unchanged.
   */
  constructor(readonly payload: Uint8Array = new Uint8Array(0), readonly extensionType = 0) {}
}

export type Value = null | string | number | boolean | Unknown | Value[] | { [key: string]: Value };
export type ObjectValue = { [key: string]: Value };

export const UNKNOWN = new Unknown();

export function isUnknown(value: unknown): value is Unknown {
  return value instanceof Unknown;
}

export function isObject(value: Value | undefined): value is ObjectValue {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Unknown);
}

/** Deep equality of known values; an unknown equals nothing, not even another unknown. */
export function sameValue(a: Value | undefined, b: Value | undefined): boolean {
  if (a instanceof Unknown || b instanceof Unknown) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, index) => sameValue(item, b[index]));
  }
  if (isObject(a ?? null) || isObject(b ?? null)) {
    if (!isObject(a ?? null) || !isObject(b ?? null)) return false;
    const left = a as ObjectValue;
    const right = b as ObjectValue;
    const keys = new Set([...Object.keys(left), ...Object.keys(right)]);
    return [...keys].every((key) => sameValue(left[key] ?? null, right[key] ?? null));
  }
  return (a ?? null) === (b ?? null);
}
