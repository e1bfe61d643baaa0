/**
 * hashicorp/null 3.2.4, the version @cdktf/provider-null 11.0.1 pins; schema and
 * behaviour from hashicorp/terraform-provider-null v3.2.4 internal/provider/resource.go:
 * `triggers` replaces the resource when its values change
 * (planmodifiers.RequiresReplaceIfValuesNotNull), the id is a random decimal number
 * kept for the resource's life (UseStateForUnknown), and Read keeps the state.
 */
import { randomBytes } from 'node:crypto';
import type { ProviderDefinition } from '../engine/provider';
import type { ProviderSchemaJson } from '../schema/schema';
import { triggersChanged } from './replace-if-values-not-null';
import nullSchema from './schemas/null-3.2.4.schema.json';

export const nullProvider: ProviderDefinition = {
  name: 'null',
  source: 'registry.terraform.io/hashicorp/null',
  version: '3.2.4',
  schema: nullSchema as unknown as ProviderSchemaJson,
  stateOnly: true,
  resources: {
    null_resource: {
      replaceIf: { triggers: triggersChanged },
      // Go's rand.Int(): a non-negative 63-bit number.
      computed: { id: () => BigInt.asUintN(63, randomBytes(8).readBigUInt64BE()).toString() },
    },
  },
};
