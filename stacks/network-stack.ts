import type { Construct } from 'constructs';
import { DataServices } from '../constructs/data';
import { Network } from '../constructs/network';
import type { EnvironmentConfig } from '../config';
import { PlatformStack } from './platform-stack';

/** What outlives the servers: datacenter, LANs, public addresses, DNS, NAT, and the managed data services. */
export class NetworkStack extends PlatformStack {
  readonly network: Network;
  readonly data: DataServices;

  constructor(scope: Construct, config: EnvironmentConfig) {
    super(scope, config, 'network');
    this.network = new Network(this, 'Network', { config });
    this.data = new DataServices(this, 'Data', { config, network: this.network });
  }
}
