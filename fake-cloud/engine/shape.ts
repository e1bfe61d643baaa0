/**
 * Walking a value along its schema: giving an object every attribute and block the
 * schema names (Terraform rejects an object that lacks one), and visiting attributes
 * with their paths.
 */
import { isObject, isUnknown, type ObjectValue, type Value } from '../values/value';
import type { AttributeSchema, BlockSchema, BlockTypeSchema } from '../schema/schema';
import type { AttributePath } from './diagnostics';

/** A copy of `value` with every attribute and block of `block` present (null or empty when absent). */
export function conform(block: BlockSchema, value: ObjectValue): ObjectValue {
  const result: ObjectValue = {};
  for (const name of Object.keys(block.attributes ?? {})) result[name] = value[name] ?? null;
  for (const [name, nested] of Object.entries(block.block_types ?? {})) result[name] = conformBlock(nested, value[name] ?? null);
  return result;
}

function conformBlock(nested: BlockTypeSchema, value: Value): Value {
  if (isUnknown(value)) return value;
  switch (nested.nesting_mode) {
    case 'single':
      return isObject(value) ? conform(nested.block, value) : null;
    case 'group':
      return conform(nested.block, isObject(value) ? value : {});
    case 'map':
      return isObject(value) ? Object.fromEntries(Object.entries(value).map(([key, item]) => [key, isObject(item) ? conform(nested.block, item) : item])) : {};
    default:
      return Array.isArray(value) ? value.map((item) => (isObject(item) ? conform(nested.block, item) : item)) : [];
  }
}

export interface AttributeVisit {
  readonly path: AttributePath;
  readonly schema: AttributeSchema;
  readonly value: Value;
  /** The object holding the attribute, to change it in place. */
  readonly holder: ObjectValue;
  readonly name: string;
}

/** Every attribute of every block element in `value`, depth first. */
export function visitAttributes(block: BlockSchema, value: ObjectValue, visit: (attribute: AttributeVisit) => void, path: AttributePath = []): void {
  for (const [name, schema] of Object.entries(block.attributes ?? {})) {
    visit({ path: [...path, name], schema, value: value[name] ?? null, holder: value, name });
  }
  for (const [name, nested] of Object.entries(block.block_types ?? {})) {
    for (const [element, elementPath] of blockElements(nested, value[name] ?? null, [...path, name])) {
      visitAttributes(nested.block, element, visit, elementPath);
    }
  }
}

/** The elements of a nested block value with their paths (lists and sets by index, maps by key). */
export function blockElements(nested: BlockTypeSchema, value: Value, path: AttributePath): [ObjectValue, AttributePath][] {
  if (Array.isArray(value)) return value.flatMap((item, index) => (isObject(item) ? [[item, [...path, index]] as [ObjectValue, AttributePath]] : []));
  if (!isObject(value)) return [];
  if (nested.nesting_mode !== 'map') return [[value, path]];
  return Object.entries(value).flatMap(([key, item]) => (isObject(item) ? [[item, [...path, key]] as [ObjectValue, AttributePath]] : []));
}
