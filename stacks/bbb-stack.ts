import { TerraformOutput } from 'cdktf';
import type { Construct } from 'constructs';
import { TlsProvider } from '@cdktf/provider-tls/lib/provider';
import { BbbPool, type CoordinationRedis, type RecordingsShare, type ScaleliteEndpoint } from '../constructs/bbb-pool';
import type { Network } from '../constructs/network';
import { TurnServers } from '../constructs/turn';
import type { EnvironmentConfig } from '../config';
import { PlatformStack } from './platform-stack';

export interface BbbStackProps {
  readonly network: Network;
  readonly scalelite: ScaleliteEndpoint;
  /** Required when scalelite.recordings is true. */
  readonly recordings?: RecordingsShare;
  /** The Redis acting autoscalers share their lease in. */
  readonly coordination: CoordinationRedis;
}

/** The media tier: the BigBlueButton pool and the TURN servers it offers to clients. */
export class BbbStack extends PlatformStack {
  readonly turn: TurnServers;
  readonly pool: BbbPool;

  constructor(scope: Construct, config: EnvironmentConfig, props: BbbStackProps) {
    super(scope, config, 'bbb');
    // The power-off channel's key pair (constructs/bbb-pool/power-agent.ts).
    new TlsProvider(this, 'tls', {});
    this.turn = new TurnServers(this, 'Turn', { config, network: props.network });
    this.pool = new BbbPool(this, 'Pool', {
      config,
      network: props.network,
      scalelite: props.scalelite,
      recordings: props.recordings,
      turn: this.turn.endpoint,
      coordination: props.coordination,
    });
    // What the monitoring VM's autoscaler reads, for `npm run autoscaler:inventory`.
    new TerraformOutput(this, 'autoscaler_inventory', {
      value: this.pool.inventoryJson,
      sensitive: true,
      description: 'The autoscaler inventory (JSON); holds the BBB and Scalelite secrets',
    });
  }
}
