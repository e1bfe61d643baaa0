import type { IConstruct } from 'constructs';
import type { ElementIndex } from './inspect/elements';

export type Severity = 'error' | 'warning';

/**
 * One policy rule. `check` sees every construct of a stack (resources, variables,
 * providers, backends, assets) and returns one message per problem found on it; the
 * policy check turns messages into annotations naming the rule, its reason and the path.
 */
export interface PolicyRule {
  /** Stable id, used in messages and in `suppress(construct, id, reason)`. */
  readonly id: string;
  /** An error fails synth; a warning is reported only. */
  readonly severity: Severity;
  /** Why the rule exists, appended to each message. */
  readonly reason: string;
  check(node: IConstruct, index: ElementIndex): string[];
}
