/**
 * The providers the fake cloud serves. Each is one module: its schema and the
 * behaviour of the resource types the platform uses. Serving another provider (say
 * hashicorp/tls) is one more module in this list.
 */
import type { ProviderDefinition } from '../engine/provider';
import { ionoscloudProvider } from './ionoscloud';
import { nullProvider } from './null';
import { randomProvider } from './random';

export const PROVIDERS: readonly ProviderDefinition[] = [ionoscloudProvider, nullProvider, randomProvider];

export function providerNamed(name: string): ProviderDefinition {
  const found = PROVIDERS.find((provider) => provider.name === name);
  if (!found) throw new Error(`the fake cloud serves no provider ${name} (it serves ${PROVIDERS.map((provider) => provider.name).join(', ')})`);
  return found;
}
