/**
 * Value checks a provider makes in code, which a schema does not carry. The messages
 * are those of terraform-plugin-sdk v2's helper/validation (IntBetween,
 * StringInSlice, StringIsNotWhiteSpace, StringLenBetween, IsUUID) as
 * ToDiagFunc reports them: named by the last attribute name, placed at the full path.
 * A check sees known values only; Terraform validates again once a value is known.
 */
import type { Value } from '../values/value';

/** Returns the error message, or undefined when the value passes. */
export type Check = (value: Value, key: string) => string | undefined;

export function intBetween(min: number, max: number): Check {
  return (value, key) =>
    typeof value === 'number' && (value < min || value > max) ? `expected ${key} to be in the range (${min} - ${max}), got ${value}` : undefined;
}

export function intAtLeast(min: number): Check {
  return (value, key) => (typeof value === 'number' && value < min ? `expected ${key} to be at least (${min}), got ${value}` : undefined);
}

/** StringInSlice; Go's %q of a []string reads `["A" "B"]`. */
export function oneOf(allowed: readonly string[], ignoreCase = false): Check {
  return (value, key) => {
    if (typeof value !== 'string') return undefined;
    const matches = allowed.some((option) => (ignoreCase ? option.toLowerCase() === value.toLowerCase() : option === value));
    return matches ? undefined : `expected ${key} to be one of [${allowed.map((option) => JSON.stringify(option)).join(' ')}], got ${value}`;
  };
}

export const notWhiteSpace: Check = (value, key) =>
  typeof value === 'string' && value.trim() === '' ? `expected ${JSON.stringify(key)} to not be an empty string or whitespace` : undefined;

export function lengthBetween(min: number, max: number): Check {
  return (value, key) =>
    typeof value === 'string' && (value.length < min || value.length > max)
      ? `expected length of ${key} to be in the range (${min} - ${max}), got ${value}`
      : undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid: Check = (value, key) =>
  typeof value === 'string' && !UUID.test(value) ? `expected ${JSON.stringify(key)} to be a valid UUID, got ${value}` : undefined;
