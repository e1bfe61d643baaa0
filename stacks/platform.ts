import type { App } from 'cdktf';
import type { EnvironmentConfig } from '../config';
import { BbbStack } from './bbb-stack';
import { FrontendStack } from './frontend-stack';
import { MonitoringStack } from './monitoring-stack';
import { NetworkStack } from './network-stack';

export interface Platform {
  readonly network: NetworkStack;
  readonly frontend: FrontendStack;
  readonly bbb: BbbStack;
  readonly monitoring: MonitoringStack;
}

/** Every stack of one environment, wired together; main.ts calls this per environment file. */
export function buildPlatform(app: App, config: EnvironmentConfig): Platform {
  const network = new NetworkStack(app, config);
  const frontend = new FrontendStack(app, config, { network });
  const bbb = new BbbStack(app, config, {
    network: network.network,
    scalelite: frontend.scalelite,
    recordings: frontend.scalelite.recordingsStorage,
    coordination: network.data.redis,
  });
  const monitoring = new MonitoringStack(app, config, {
    network: network.network,
    pool: bbb.pool,
    scalelite: frontend.scalelite,
  });
  return { network, frontend, bbb, monitoring };
}
