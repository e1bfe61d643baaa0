/**
 * The providers the fake cloud serves, each one module: its schema (in
 * `terraform providers schema -json` form, below schemas/) and, for every resource type
 * the platform uses, the behaviour read from the provider's source at the pinned
 * version (fake-cloud/engine/behaviour.ts says what that covers). Serving another
 * provider is one more module in this list: the mirror, the plugin and the tests
 * pick it up. A resource type without behaviour is
 * refused with an error naming it, never served on the schema alone.
 */
import type { ProviderDefinition } from '../engine/provider';
import { ionoscloudProvider } from './ionoscloud';
import { nullProvider } from './null';
import { randomProvider } from './random';
import { tlsProvider } from './tls';

export const PROVIDERS: readonly ProviderDefinition[] = [ionoscloudProvider, nullProvider, randomProvider, tlsProvider];

export function providerNamed(name: string): ProviderDefinition {
  const found = PROVIDERS.find((provider) => provider.name === name);
  if (!found) throw new Error(`the fake cloud serves no provider ${name} (it serves ${PROVIDERS.map((provider) => provider.name).join(', ')})`);
  return found;
}
