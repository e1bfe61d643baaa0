import type { App } from 'cdktf';
import type { EnvironmentConfig } from '../config';
import { NetworkStack } from './network-stack';

export interface Platform {
  readonly network: NetworkStack;
}

/** Every stack of one environment, wired together; main.ts calls this per environment file. */
export function buildPlatform(app: App, config: EnvironmentConfig): Platform {
  const network = new NetworkStack(app, config);
  return { network };
}
