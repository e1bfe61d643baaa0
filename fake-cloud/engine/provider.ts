/**
 * One provider of the fake cloud: its schema and the behaviour of each resource type,
 * planned and applied the way terraform-plugin-sdk v2 does for the providers it serves.
 * A plan keeps what the configuration says and what the cloud computed before; a
 * created or replaced resource has its computed values unknown until apply; a change
 * of a replacing attribute, or one the provider refuses, is reported as the provider
 * reports it. The cloud's record, not Terraform's state, answers a refresh.
 */
import { randomUUID } from 'node:crypto';
import type { CloudStore } from '../cloud/store';
import type { ProviderSchemaJson, TypeSchema } from '../schema/schema';
import { UNKNOWN, isObject, isUnknown, sameValue, type ObjectValue, type Value } from '../values/value';
import type { ResourceBehaviour, ResourceBehaviours } from './behaviour';
import type { Check } from './checks';
import { Diagnostics, type AttributePath } from './diagnostics';
import { locate, samePath, valueAt } from './paths';
import { blockElements, conform, visitAttributes } from './shape';

export interface ProviderDefinition {
  /** The provider's type name: `terraform-provider-<name>`, `<name>_*` resources. */
  readonly name: string;
  /** Its source address, e.g. registry.terraform.io/hashicorp/null. */
  readonly source: string;
  readonly version: string;
  readonly schema: ProviderSchemaJson;
  readonly resources: ResourceBehaviours;
  /**
   * Whether its resources exist only in Terraform's state (null, random): nothing is
   * recorded in the cloud, and a refresh returns the state as it is.
   */
  readonly stateOnly?: boolean;
  /** Checks of the provider configuration its schema's validators make (ValidateProviderConfig). */
  validateConfig?(config: ObjectValue, diagnostics: Diagnostics): void;
  /** Checks of the provider configuration (ConfigureProvider). */
  configure?(config: ObjectValue, diagnostics: Diagnostics): void;
}

export interface PlanResult {
  readonly planned: ObjectValue | null;
  readonly requiresReplace: AttributePath[];
  readonly diagnostics: Diagnostics;
}

export interface StateResult {
  readonly state: ObjectValue | null;
  readonly diagnostics: Diagnostics;
}

export class FakeProvider {
  constructor(
    readonly definition: ProviderDefinition,
    private readonly cloud: () => CloudStore,
  ) {}

  validateResource(type: string, config: ObjectValue): Diagnostics {
    const diagnostics = new Diagnostics();
    const found = this.resource(type, diagnostics);
    if (!found) return diagnostics;
    const { schema, behaviour } = found;
    for (const [pattern, checks] of Object.entries(behaviour.checks ?? {})) {
      const list = (Array.isArray(checks) ? checks : [checks]) as Check[];
      for (const { path, value } of locate(config, pattern)) {
        if (value === null || isUnknown(value)) continue;
        const key = String([...path].reverse().find((step) => typeof step === 'string'));
        for (const check of list) {
          const problem = check(value, key);
          if (problem) diagnostics.error(problem, undefined, path);
        }
      }
    }
    visitAttributes(schema.block, config, ({ path, schema: attribute, value }) => {
      if (!attribute.deprecated || value === null) return;
      const pattern = path.filter((step) => typeof step === 'string').join('.');
      diagnostics.warning('Argument is deprecated', behaviour.deprecated?.[pattern] ?? `${pattern} is deprecated`, path);
    });
    behaviour.validate?.(config, diagnostics);
    return diagnostics;
  }

  plan(type: string, prior: ObjectValue | null, proposed: ObjectValue | null, config: ObjectValue | null): PlanResult {
    const diagnostics = new Diagnostics();
    const found = this.resource(type, diagnostics);
    if (!found || proposed === null || config === null) return { planned: proposed, requiresReplace: [], diagnostics };
    const { schema, behaviour } = found;
    const planned = structuredCloneValue(proposed) as ObjectValue;
    const requiresReplace = prior ? changedReplacingPaths(behaviour, prior, planned) : [];
    // Like SDKv2's CustomizeDiff, the provider's own planning sees the prior values;
    // for a replacement Terraform plans the new object again, with a null prior state
    // (hashicorp/terraform v1.11.4 internal/terraform/node_resource_abstract_instance.go).
    behaviour.plan?.({ prior, planned, config, diagnostics });
    markComputedUnknown(schema, planned, config, prior);
    return { planned, requiresReplace, diagnostics };
  }

  apply(type: string, prior: ObjectValue | null, planned: ObjectValue | null): StateResult {
    const diagnostics = new Diagnostics();
    const found = this.resource(type, diagnostics);
    if (!found) return { state: prior, diagnostics };
    const cloud = this.cloud();
    const recorded = !this.definition.stateOnly;
    if (recorded && prior && typeof prior.id === 'string' && (planned === null || prior.id !== planned.id)) cloud.remove(type, prior.id);
    if (planned === null) return { state: null, diagnostics };
    const { schema, behaviour } = found;
    const state = conform(schema.block, structuredCloneValue(planned) as ObjectValue);
    behaviour.assign?.(state, cloud, diagnostics);
    if (diagnostics.hasErrors) return { state: prior, diagnostics };
    fillUnknowns(type, behaviour, schema, state, cloud);
    if (recorded) cloud.write(type, String(state.id), state);
    return { state, diagnostics };
  }

  /** The cloud's record of the resource; null when the cloud has none (deleted outside Terraform). */
  read(type: string, current: ObjectValue | null): StateResult {
    const diagnostics = new Diagnostics();
    const found = this.resource(type, diagnostics);
    if (!found || current === null || this.definition.stateOnly || typeof current.id !== 'string') return { state: current, diagnostics };
    const record = this.cloud().read(type, current.id);
    return { state: record ? conform(found.schema.block, record) : null, diagnostics };
  }

  /** States written by this same schema version need no upgrade, only their JSON read. */
  upgrade(type: string, json: string): StateResult {
    const diagnostics = new Diagnostics();
    const found = this.resource(type, diagnostics);
    const raw = JSON.parse(json) as ObjectValue;
    return { state: found ? conform(found.schema.block, raw) : raw, diagnostics };
  }

  private resource(type: string, diagnostics: Diagnostics): { schema: TypeSchema; behaviour: ResourceBehaviour } | undefined {
    const schema = this.definition.schema.resource_schemas[type];
    const behaviour = this.definition.resources[type];
    if (!schema) {
      diagnostics.error(`${this.definition.name} has no resource type ${type}`);
      return undefined;
    }
    if (!behaviour) {
      diagnostics.error(
        `The fake cloud does not model ${type}`,
        `Only resource types whose behaviour was taken from the provider's source are served; add ${type} to fake-cloud/providers/${this.definition.name}.`,
      );
      return undefined;
    }
    return { schema, behaviour };
  }
}

/** Paths of replacing attributes whose planned value differs from the prior state. */
function changedReplacingPaths(behaviour: ResourceBehaviour, prior: ObjectValue, planned: ObjectValue): AttributePath[] {
  const changed: AttributePath[] = [];
  for (const pattern of behaviour.replaceOn ?? []) {
    const paths = [...locate(planned, pattern), ...locate(prior, pattern)].map(({ path }) => path);
    for (const path of paths) {
      if (changed.some((known) => samePath(known, path))) continue;
      if (!sameValue(valueAt(prior, path), valueAt(planned, path))) changed.push(path);
    }
  }
  for (const [name, replaces] of Object.entries(behaviour.replaceIf ?? {})) {
    if (replaces(prior[name] ?? null, planned[name] ?? null)) changed.push([name]);
  }
  return changed;
}

/**
 * Computed attributes the configuration leaves unset become unknown where the cloud
 * will assign them: everywhere in a new object, and in block elements the prior state
 * did not have. Elsewhere the prior value stands.
 */
function markComputedUnknown(schema: TypeSchema, planned: ObjectValue, config: ObjectValue, prior: ObjectValue | null): void {
  markBlock(schema.block, planned, config, prior);
}

function markBlock(block: TypeSchema['block'], planned: ObjectValue, config: Value, prior: Value): void {
  const configObject = isObject(config) ? config : {};
  if (!isObject(prior)) {
    for (const [name, attribute] of Object.entries(block.attributes ?? {})) {
      if (attribute.computed && (planned[name] ?? null) === null && (configObject[name] ?? null) === null) planned[name] = UNKNOWN;
    }
  }
  for (const [name, nested] of Object.entries(block.block_types ?? {})) {
    const priorElements = isObject(prior) ? blockElements(nested, prior[name] ?? null, []) : [];
    const configElements = blockElements(nested, configObject[name] ?? null, []);
    blockElements(nested, planned[name] ?? null, []).forEach(([element, path], index) => {
      const priorElement = priorElements.find(([, priorPath]) => samePath(priorPath, path))?.[0] ?? null;
      markBlock(nested.block, element, configElements[index]?.[0] ?? null, priorElement);
    });
  }
}

function fillUnknowns(type: string, behaviour: ResourceBehaviour, schema: TypeSchema, state: ObjectValue, cloud: CloudStore): void {
  const pending: { holder: ObjectValue; name: string; path: AttributePath }[] = [];
  visitAttributes(schema.block, state, ({ holder, name, path, value }) => {
    if (isUnknown(value)) pending.push({ holder, name, path });
  });
  // The id first: other values (a LAN's number, a share's path) may depend on it.
  pending.sort((a, b) => Number(b.path.length === 1 && b.name === 'id') - Number(a.path.length === 1 && a.name === 'id'));
  for (const { holder, name, path } of pending) {
    const pattern = path.filter((step) => typeof step === 'string').join('.');
    const compute = behaviour.computed?.[pattern];
    holder[name] = compute ? compute({ type, state, path, cloud }) : name === 'id' ? randomUUID() : null;
  }
}

function structuredCloneValue(value: Value): Value {
  if (isUnknown(value)) return value;
  if (Array.isArray(value)) return value.map(structuredCloneValue);
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, structuredCloneValue(item)]));
  return value;
}
