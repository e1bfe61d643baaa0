import type { IConstruct } from 'constructs';
import { POLICY_RULES } from './rules';

const METADATA_TYPE = 'policy:suppression';

export interface Suppression {
  readonly ruleId: string;
  readonly reason: string;
}

/**
 * Exempts `construct` and everything below it from one rule. The reason is required:
 * it is printed at every synth and belongs in docs/security.md.
 */
export function suppress(construct: IConstruct, ruleId: string, reason: string): void {
  const known = POLICY_RULES.map((rule) => rule.id);
  if (!known.includes(ruleId)) {
    throw new Error(`suppress(${construct.node.path}): unknown rule '${ruleId}'; known rules: ${known.join(', ')}`);
  }
  if (typeof reason !== 'string' || reason.trim().length < 10) {
    throw new Error(`suppress(${construct.node.path}, '${ruleId}'): a reason of at least 10 characters is required, got '${reason ?? ''}'`);
  }
  construct.node.addMetadata(METADATA_TYPE, { ruleId, reason: reason.trim() } satisfies Suppression);
}

/** The suppression of `ruleId` that applies to `construct` (its own or an ancestor's). */
export function suppressionFor(construct: IConstruct, ruleId: string): Suppression | undefined {
  for (const scope of [...construct.node.scopes].reverse()) {
    const entry = scope.node.metadata.find(
      (metadata) => metadata.type === METADATA_TYPE && (metadata.data as Suppression).ruleId === ruleId,
    );
    if (entry) return entry.data as Suppression;
  }
  return undefined;
}
