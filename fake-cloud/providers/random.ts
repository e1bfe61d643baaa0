/**
 * hashicorp/random 3.7.2, the version @cdktf/provider-random 12.0.1 pins; schema and
 * behaviour from hashicorp/terraform-provider-random v3.7.2 internal/provider and
 * internal/random. Every argument replaces the resource (RequiresReplace, `keepers`
 * RequiresReplaceIfValuesNotNull); the character-class switches default to true and the
 * minimums to 0 at plan (framework defaults); results are generated at apply and kept.
 */
import { randomBytes, randomInt } from 'node:crypto';
import type { ResourceBehaviour } from '../engine/behaviour';
import type { Diagnostics } from '../engine/diagnostics';
import type { ProviderDefinition } from '../engine/provider';
import { isUnknown, type ObjectValue } from '../values/value';
import type { ProviderSchemaJson } from '../schema/schema';
import { triggersChanged } from './replace-if-values-not-null';
import randomSchema from './schemas/random-3.7.2.schema.json';

const NUMERIC = '0123456789';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const SPECIAL = '!@#$%&*()-_=+[]{}<>:?';

const CLASS_SWITCHES = ['special', 'upper', 'lower', 'numeric', 'number'] as const;
const MINIMUMS = ['min_numeric', 'min_upper', 'min_lower', 'min_special'] as const;

const randomId: ResourceBehaviour = {
  replaceOn: ['byte_length', 'prefix'],
  replaceIf: { keepers: triggersChanged },
  validate(config, diagnostics) {
    if (typeof config.byte_length === 'number' && config.byte_length < 1) {
      attributeValueError(diagnostics, 'byte_length', `Attribute byte_length value must be at least 1, got: ${config.byte_length}`);
    }
  },
  // resource_id.go Create: the id is the bytes in unpadded URL-safe base64; the
  // encodings carry the prefix.
  assign(state) {
    if (!isUnknown(state.id)) return;
    const bytes = randomBytes(Number(state.byte_length));
    const prefix = typeof state.prefix === 'string' ? state.prefix : '';
    const id = bytes.toString('base64url');
    Object.assign(state, {
      id,
      b64_url: prefix + id,
      b64_std: prefix + bytes.toString('base64'),
      hex: prefix + bytes.toString('hex'),
      dec: prefix + BigInt(`0x${bytes.toString('hex')}`).toString(),
    });
  },
};

const randomPassword: ResourceBehaviour = {
  replaceOn: ['length', ...CLASS_SWITCHES, ...MINIMUMS, 'override_special'],
  replaceIf: { keepers: triggersChanged },
  deprecated: { number: '**NOTE**: This is deprecated, use `numeric` instead.' },
  validate(config, diagnostics) {
    const length = config.length;
    if (typeof length !== 'number') return;
    if (length < 1) attributeValueError(diagnostics, 'length', `Attribute length value must be at least 1, got: ${length}`);
    const minimums = MINIMUMS.map((name) => config[name]);
    if (minimums.every((value) => typeof value === 'number' || value === null)) {
      const sum = minimums.reduce<number>((total, value) => total + (typeof value === 'number' ? value : 0), 0);
      if (length < sum) {
        attributeValueError(diagnostics, 'length', `Attribute length value must be at least sum of ${MINIMUMS.map((name) => `${name}`).join(' + ')}, got: ${length}`);
      }
    }
  },
  plan({ planned, config }) {
    // NumberNumericAttributePlanModifier: the deprecated `number` and `numeric` follow
    // whichever of them is configured.
    if (config.numeric === null && config.number !== null) planned.numeric = config.number;
    if (config.number === null && config.numeric !== null) planned.number = config.numeric;
    for (const name of CLASS_SWITCHES) if (planned[name] === null) planned[name] = true;
    for (const name of MINIMUMS) if (config[name] === null) planned[name] = 0;
  },
  assign(state) {
    if (!isUnknown(state.result)) return;
    const result = generatePassword(state);
    // The hash only has to look like bcrypt's output: nothing reads it.
    Object.assign(state, { result, bcrypt_hash: `$2a$10$${randomBytes(40).toString('base64').replace(/[^A-Za-z0-9./]/g, '.').slice(0, 53)}`, id: 'none' });
  },
};

/** internal/random/string.go CreateString: each minimum first, then any allowed character, shuffled. */
function generatePassword(state: ObjectValue): string {
  const special = typeof state.override_special === 'string' && state.override_special !== '' ? state.override_special : SPECIAL;
  const classes: [boolean, string, number][] = [
    [state.upper !== false, UPPER, Number(state.min_upper ?? 0)],
    [state.lower !== false, LOWER, Number(state.min_lower ?? 0)],
    [state.numeric !== false, NUMERIC, Number(state.min_numeric ?? 0)],
    [state.special !== false, special, Number(state.min_special ?? 0)],
  ];
  const all = classes.filter(([enabled]) => enabled).map(([, chars]) => chars).join('');
  const picked: string[] = [];
  for (const [, chars, minimum] of classes) for (let index = 0; index < minimum; index += 1) picked.push(chars[randomInt(chars.length)]);
  while (picked.length < Number(state.length)) picked.push(all[randomInt(all.length)]);
  for (let index = picked.length - 1; index > 0; index -= 1) {
    const other = randomInt(index + 1);
    [picked[index], picked[other]] = [picked[other], picked[index]];
  }
  return picked.join('');
}

/** terraform-plugin-framework-validators' wording for a failed value check. */
function attributeValueError(diagnostics: Diagnostics, attribute: string, detail: string): void {
  diagnostics.error('Invalid Attribute Value', detail, [attribute]);
}

export const randomProvider: ProviderDefinition = {
  name: 'random',
  source: 'registry.terraform.io/hashicorp/random',
  version: '3.7.2',
  schema: randomSchema as unknown as ProviderSchemaJson,
  stateOnly: true,
  resources: { random_id: randomId, random_password: randomPassword },
};
