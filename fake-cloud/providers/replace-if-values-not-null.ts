/**
 * RequiresReplaceIfValuesNotNull of the null and random providers
 * (terraform-provider-null v3.2.4 internal/planmodifiers/attribute.go; random v3.7.2
 * has the same for `keepers`): a map of triggers replaces the resource when a value
 * changes, a key is added with a value, or a key is removed; keys with null values
 * count as absent.
 */
import { isObject, sameValue, type Value } from '../values/value';

export function triggersChanged(prior: Value, planned: Value): boolean {
  if (sameValue(prior, planned)) return false;
  const before = isObject(prior) ? prior : null;
  const after = isObject(planned) ? planned : {};
  if (before === null) return Object.values(after).some((value) => value !== null);
  const added = Object.entries(after).some(([key, value]) => !(key in before ? sameValue(value, before[key]) : value === null));
  const removed = Object.keys(before).some((key) => !(key in after));
  return added || removed;
}
