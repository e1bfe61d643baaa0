/**
 * What a provider does with one resource type beyond its schema, written down from
 * the provider's source: which changes replace the resource, the checks its code makes,
 * what its plan adds (defaults, refusals) and the values the cloud assigns.
 */
import type { CloudStore } from '../cloud/store';
import type { ObjectValue, Value } from '../values/value';
import type { Check } from './checks';
import type { AttributePath, Diagnostics } from './diagnostics';

export interface PlanContext {
  /** The resource's state before this plan; null when it is to be created. */
  readonly prior: ObjectValue | null;
  /** The plan so far, changed in place. */
  readonly planned: ObjectValue;
  readonly config: ObjectValue;
  readonly diagnostics: Diagnostics;
}

export interface ComputeContext {
  readonly type: string;
  /** The new state so far: configured values known, computed ones being filled. */
  readonly state: ObjectValue;
  /** Where the value goes. */
  readonly path: AttributePath;
  readonly cloud: CloudStore;
}

export interface ResourceBehaviour {
  /** Attributes whose change replaces the resource (ForceNew, RequiresReplace). */
  readonly replaceOn?: readonly string[];
  /** Attributes whose change replaces the resource only under a condition of the provider's. */
  readonly replaceIf?: Readonly<Record<string, (prior: Value, planned: Value) => boolean>>;
  /** Checks the provider's code makes on single values, by attribute pattern. */
  readonly checks?: Readonly<Record<string, Check | readonly Check[]>>;
  /** The provider's deprecation message for each deprecated attribute it still takes. */
  readonly deprecated?: Readonly<Record<string, string>>;
  /** Checks across attributes: conflicts, required combinations. */
  validate?(config: ObjectValue, diagnostics: Diagnostics): void;
  /** What the provider's plan does beyond replacement: defaults, refusals (CustomizeDiff). */
  plan?(context: PlanContext): void;
  /**
   * Values the cloud assigns together (an id and its encodings), set on the state
   * before the single values below. An error here fails the apply: nothing is created.
   */
  assign?(state: ObjectValue, cloud: CloudStore, diagnostics: Diagnostics): void;
  /** Values the cloud assigns, by attribute pattern; `id` is a UUID unless given here, others null. */
  readonly computed?: Readonly<Record<string, (context: ComputeContext) => Value>>;
}

export type ResourceBehaviours = Readonly<Record<string, ResourceBehaviour>>;
