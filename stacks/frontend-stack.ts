import { TerraformOutput } from 'cdktf';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../config';
import { Scalelite } from '../constructs/scalelite';
import type { NetworkStack } from './network-stack';
import { PlatformStack } from './platform-stack';

export interface FrontendStackProps {
  readonly network: NetworkStack;
}

/** What users and LMSs reach: the load balancer with its certificate, the Scalelite nodes and Greenlight. */
export class FrontendStack extends PlatformStack {
  readonly scalelite: Scalelite;

  constructor(scope: Construct, config: EnvironmentConfig, props: FrontendStackProps) {
    super(scope, config, 'frontend');
    this.scalelite = new Scalelite(this, 'Scalelite', {
      config,
      network: props.network.network,
      data: props.network.data,
    });

    new TerraformOutput(this, 'bbb_api_url', {
      value: this.scalelite.bbbApiUrl,
      description: 'BigBlueButton API URL for LMSs (Moodle, ILIAS, ...), served by Scalelite',
    });
    new TerraformOutput(this, 'scalelite_api_url', { value: this.scalelite.apiUrl, description: 'Scalelite server REST API' });
    new TerraformOutput(this, 'scalelite_secret', {
      value: this.scalelite.secret,
      sensitive: true,
      description: 'Shared secret (LOADBALANCER_SECRET) for the BigBlueButton API and the Scalelite API',
    });
    if (this.scalelite.greenlightUrl) {
      new TerraformOutput(this, 'greenlight_url', { value: this.scalelite.greenlightUrl, description: 'Greenlight portal' });
    }
  }
}
