/**
 * The project's offline `terraform validate`: checks synthesized stacks against the
 * committed IONOS provider schema. Every `ionoscloud_*` resource and data source must
 * exist in the schema, every argument and nested block must be known, every required
 * argument set, no computed-only argument set, and literal values must have the
 * schema's primitive type and, where the provider validates one, its range. Every
 * depends_on, of any resource, must name whole resources. Errors name stack, resource
 * and argument path.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

type SchemaType = string | [string, unknown];

interface SchemaAttribute {
  type?: SchemaType;
  required?: boolean;
  optional?: boolean;
  computed?: boolean;
}

interface SchemaBlockType {
  nesting_mode: 'single' | 'list' | 'set' | 'map' | 'group';
  min_items?: number;
  max_items?: number;
  block: SchemaBlock;
}

interface SchemaBlock {
  attributes?: Record<string, SchemaAttribute>;
  block_types?: Record<string, SchemaBlockType>;
}

interface ProviderSchema {
  resource_schemas: Record<string, { block: SchemaBlock }>;
  data_source_schemas: Record<string, { block: SchemaBlock }>;
}

const PROVIDER_KEY = 'registry.terraform.io/ionos-cloud/ionoscloud';
const PROVIDERS_DIR = path.resolve(__dirname, '..', 'providers');

/** Terraform meta-arguments; not part of any provider schema. */
const META_ARGUMENTS = new Set(['//', 'count', 'for_each', 'provider', 'depends_on', 'lifecycle', 'provisioner', 'connection']);

/**
 * Ranges the provider checks in code (validation.IntBetween), which the schema JSON
 * does not carry: IONOS firewall rules take ports 1-65534.
 */
const VALUE_RANGES: Record<string, readonly [number, number]> = {
  port_range_start: [1, 65534],
  port_range_end: [1, 65534],
};

/** What Terraform accepts in depends_on: a resource, data source or module, not an attribute of one. */
const WHOLE_OBJECT = /^(?:data\.[\w-]+\.[\w-]+|module\.[\w-]+|[\w-]+\.[\w-]+)$/;

let cachedSchema: ProviderSchema | undefined;

export function loadProviderSchema(): ProviderSchema {
  if (!cachedSchema) {
    const file = readdirSync(PROVIDERS_DIR).find((name) => /^ionoscloud-.*\.schema\.json$/.test(name));
    if (!file) throw new Error(`no ionoscloud-<version>.schema.json in ${PROVIDERS_DIR}`);
    const document = JSON.parse(readFileSync(path.join(PROVIDERS_DIR, file), 'utf8'));
    cachedSchema = document.provider_schemas[PROVIDER_KEY] as ProviderSchema;
  }
  return cachedSchema;
}

/** Problems of one synthesized stack (the parsed cdk.tf.json); empty when it is valid. */
export function checkStack(stackName: string, stack: Record<string, unknown>, schema = loadProviderSchema()): string[] {
  const problems: string[] = [];
  const sections: [string, Record<string, { block: SchemaBlock }>, string][] = [
    ['resource', schema.resource_schemas, 'resource'],
    ['data', schema.data_source_schemas, 'data source'],
  ];
  for (const [section, schemas, kind] of sections) {
    const byType = (stack[section] ?? {}) as Record<string, Record<string, Record<string, unknown>>>;
    for (const [type, instances] of Object.entries(byType)) {
      const typeSchema = schemas[type];
      for (const [name, body] of Object.entries(instances)) {
        const where = `${stackName}: ${section === 'data' ? 'data.' : ''}${type}.${name}`;
        checkDependsOn(body.depends_on, where, problems);
        if (!type.startsWith('ionoscloud_')) continue;
        if (!typeSchema) {
          problems.push(`${where}: unknown ${kind} type ${type} in provider schema`);
          continue;
        }
        checkBlock(typeSchema.block, body, where, '', problems);
      }
    }
  }
  return problems;
}

function checkBlock(block: SchemaBlock, body: Record<string, unknown>, where: string, prefix: string, problems: string[]): void {
  const attributes = block.attributes ?? {};
  const blockTypes = block.block_types ?? {};
  const dynamicBlocks = (body.dynamic ?? {}) as Record<string, unknown>;

  for (const [key, value] of Object.entries(body)) {
    if (META_ARGUMENTS.has(key) || key === 'dynamic') continue;
    const at = `${where}: ${prefix}${key}`;
    const attribute = attributes[key];
    if (attribute) {
      if (attribute.computed && !attribute.optional && !attribute.required) {
        problems.push(`${at}: read-only (computed) attribute must not be set`);
      } else {
        checkValueType(attribute.type, value, at, problems);
        checkRange(VALUE_RANGES[key], value, at, problems);
      }
      continue;
    }
    const blockType = blockTypes[key];
    if (!blockType) {
      problems.push(`${at}: unknown argument or block`);
      continue;
    }
    const items = Array.isArray(value) ? value : [value];
    if (blockType.nesting_mode === 'single' && Array.isArray(value) && value.length > 1) {
      problems.push(`${at}: block allows one item, got ${value.length}`);
    }
    if (blockType.max_items !== undefined && items.length > blockType.max_items) {
      problems.push(`${at}: at most ${blockType.max_items} item(s), got ${items.length}`);
    }
    items.forEach((item, index) => {
      if (typeof item === 'string' && isExpression(item)) return;
      if (typeof item !== 'object' || item === null) {
        problems.push(`${at}: expected a block, got ${JSON.stringify(item)}`);
        return;
      }
      const itemPrefix = `${prefix}${key}${items.length > 1 || Array.isArray(value) ? `[${index}]` : ''}.`;
      checkBlock(blockType.block, item as Record<string, unknown>, where, itemPrefix, problems);
    });
  }

  for (const [key, attribute] of Object.entries(attributes)) {
    if (attribute.required && !(key in body)) {
      problems.push(`${where}: ${prefix}${key}: required attribute is missing`);
    }
  }
  for (const [key, blockType] of Object.entries(blockTypes)) {
    const present = key in body || key in dynamicBlocks;
    if ((blockType.min_items ?? 0) > 0 && !present) {
      problems.push(`${where}: ${prefix}${key}: required block is missing`);
    }
  }
  for (const key of Object.keys(dynamicBlocks)) {
    if (!blockTypes[key]) problems.push(`${where}: ${prefix}dynamic.${key}: unknown block`);
  }
}

function isExpression(value: string): boolean {
  return value.includes('${');
}

function checkValueType(type: SchemaType | undefined, value: unknown, at: string, problems: string[]): void {
  if (type === undefined || value === null) return;
  if (typeof value === 'string' && isExpression(value)) return;
  const fail = (expected: string) => problems.push(`${at}: expected ${expected}, got ${JSON.stringify(value)?.slice(0, 60)}`);
  if (typeof type === 'string') {
    if (type === 'string' && typeof value !== 'string') fail('a string');
    if (type === 'number' && typeof value !== 'number') fail('a number');
    if (type === 'bool' && typeof value !== 'boolean') fail('a bool');
    return;
  }
  const [kind, inner] = type;
  if ((kind === 'list' || kind === 'set') && !Array.isArray(value)) fail(`a ${kind}`);
  if ((kind === 'list' || kind === 'set') && Array.isArray(value)) {
    value.forEach((item, index) => checkValueType(inner as SchemaType, item, `${at}[${index}]`, problems));
  }
  if ((kind === 'map' || kind === 'object') && (typeof value !== 'object' || Array.isArray(value))) fail(`a ${kind}`);
}

function checkRange(range: readonly [number, number] | undefined, value: unknown, at: string, problems: string[]): void {
  if (!range || typeof value !== 'number') return;
  const [lowest, highest] = range;
  if (value < lowest || value > highest) problems.push(`${at}: must be between ${lowest} and ${highest}, got ${value}`);
}

function checkDependsOn(dependsOn: unknown, where: string, problems: string[]): void {
  if (dependsOn === undefined) return;
  if (!Array.isArray(dependsOn)) {
    problems.push(`${where}: depends_on: expected a list, got ${JSON.stringify(dependsOn)}`);
    return;
  }
  dependsOn.forEach((entry, index) => {
    if (typeof entry !== 'string' || !WHOLE_OBJECT.test(entry)) {
      problems.push(`${where}: depends_on[${index}]: must name a whole resource, data source or module, got ${JSON.stringify(entry)}`);
    }
  });
}

/** Checks every stack in a cdktf.out directory (as `npm run synth` writes it). */
export function checkSynthOutput(outDir: string): string[] {
  const stacksDir = path.join(outDir, 'stacks');
  return readdirSync(stacksDir).flatMap((stackName) => {
    const stack = JSON.parse(readFileSync(path.join(stacksDir, stackName, 'cdk.tf.json'), 'utf8'));
    return checkStack(stackName, stack);
  });
}
