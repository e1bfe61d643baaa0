import { TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { NullProvider } from '@cdktf/provider-null/lib/provider';
import { RandomProvider } from '@cdktf/provider-random/lib/provider';
import { IonoscloudProvider } from '../.gen/providers/ionoscloud/provider';
import type { EnvironmentConfig } from '../config';
import { applyPolicies } from '../policies';
import { configureBackend } from './backend';

/**
 * A stack of one environment, named `<env>-<part>`, with the providers every part
 * uses, its state backend, and the security policy pack (a violation stops synth).
 * The IONOS provider reads its credentials (IONOS_TOKEN, or IONOS_USERNAME and
 * IONOS_PASSWORD) from the environment, so none appear in the synthesized plan.
 */
export class PlatformStack extends TerraformStack {
  readonly config: EnvironmentConfig;
  readonly part: string;

  constructor(scope: Construct, config: EnvironmentConfig, part: string) {
    super(scope, `${config.name}-${part}`);
    this.config = config;
    this.part = part;
    new IonoscloudProvider(this, 'ionoscloud', {});
    new RandomProvider(this, 'random', {});
    new NullProvider(this, 'null', {});
    configureBackend(this, config);
    applyPolicies(this);
  }
}
