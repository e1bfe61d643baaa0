/**
 * The provider's CustomizeDiff immutability checks (checkServerImmutableFields,
 * checkVolumeImmutableFields, checkDBaaSClusterImmutableFields): on an update, a change
 * of any listed attribute fails the plan with `<name> attribute is immutable, ...`,
 * unless the resource sets `allow_replace`, which turns it into a replacement.
 */
import type { PlanContext } from '../../engine/behaviour';
import { locate, valueAt } from '../../engine/paths';
import { sameValue } from '../../values/value';
import { IMMUTABLE } from './messages';

export interface ImmutableAttribute {
  /** Attribute pattern, blocks by name (`volume.user_data`). */
  readonly pattern: string;
  /** How the provider names it in the error (`volume.0.user_data`, `nic mac`). */
  readonly named: string;
}

export function refuseImmutableChanges(
  { prior, planned, diagnostics }: PlanContext,
  attributes: readonly ImmutableAttribute[],
  options: { readonly allowReplace?: boolean } = {},
): void {
  if (prior === null || (options.allowReplace && planned.allow_replace === true)) return;
  for (const { pattern, named } of attributes) {
    const paths = [...locate(planned, pattern), ...locate(prior, pattern)].map(({ path }) => path);
    if (paths.some((path) => !sameValue(valueAt(prior, path), valueAt(planned, path)))) {
      // SDKv2 stops at the first error CustomizeDiff returns.
      diagnostics.error(`${named} ${IMMUTABLE}`);
      return;
    }
  }
}
