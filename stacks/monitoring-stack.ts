import * as path from 'node:path';
import { TerraformOutput } from 'cdktf';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../config';
import type { BbbPool } from '../constructs/bbb-pool';
import { Monitoring } from '../constructs/monitoring';
import { ScaleliteConfigPush, type Scalelite } from '../constructs/scalelite';
import type { Network } from '../constructs/network';
import { PlatformStack } from './platform-stack';

/** `npm run bundle` writes it; the monitoring VM runs it. */
export const AUTOSCALER_BUNDLE = path.resolve(__dirname, '..', 'dist', 'autoscaler.js');

export interface MonitoringStackProps {
  readonly network: Network;
  /** The pool whose inventory the autoscaler reads. */
  readonly pool: BbbPool;
  /** The Scalelite tier, whose private-only nodes get their configuration through this VM. */
  readonly scalelite: Scalelite;
  /** @default dist/autoscaler.js */
  readonly autoscalerBundle?: string;
}

/**
 * Prometheus, Alertmanager, Grafana and the autoscaler on the monitoring VM, which is
 * also the jump host for configuration pushes to the private-only Scalelite nodes.
 */
export class MonitoringStack extends PlatformStack {
  readonly monitoring: Monitoring;
  readonly scaleliteConfig: ScaleliteConfigPush;

  constructor(scope: Construct, config: EnvironmentConfig, props: MonitoringStackProps) {
    super(scope, config, 'monitoring');
    this.monitoring = new Monitoring(this, 'Monitoring', {
      config,
      network: props.network,
      autoscaler: config.autoscaler.enabled
        ? {
            inventoryJson: props.pool.inventoryJson,
            bundlePath: props.autoscalerBundle ?? AUTOSCALER_BUNDLE,
            powerAgentKey: props.pool.powerAgentPrivateKey,
          }
        : undefined,
    });
    this.scaleliteConfig = new ScaleliteConfigPush(this, 'ScaleliteConfig', {
      nodes: props.scalelite.nodes,
      files: props.scalelite.nodeFiles,
      bastion: this.monitoring.server,
    });

    new TerraformOutput(this, 'grafana_url', { value: this.monitoring.grafanaUrl, description: 'Grafana, reachable from adminCidrs' });
    new TerraformOutput(this, 'grafana_admin_password', {
      value: this.monitoring.grafanaAdminPassword.result,
      sensitive: true,
      description: 'Password of the Grafana user admin',
    });
  }
}
