import type { Construct } from 'constructs';
import { Network } from '../constructs/network';
import type { EnvironmentConfig } from '../config';
import { PlatformStack } from './platform-stack';

/** What outlives the servers: datacenter, LANs, public addresses, DNS, NAT. */
export class NetworkStack extends PlatformStack {
  readonly network: Network;

  constructor(scope: Construct, config: EnvironmentConfig) {
    super(scope, config, 'network');
    this.network = new Network(this, 'Network', { config });
  }
}
