import * as path from 'node:path';
import { AssetType, TerraformAsset } from 'cdktf';
import { Construct } from 'constructs';
import { Resource as NullResource } from '@cdktf/provider-null/lib/resource';
import type { Server } from '../../.gen/providers/ionoscloud/server';
import { terraformJson } from '../terraform-string';

export interface ApplySizeProps {
  readonly datacenterId: string;
  readonly servers: readonly { readonly name: string; readonly server: Server }[];
  readonly cores: number;
  readonly ramGb: number;
}

export const APPLY_SIZE_SCRIPT = path.join(__dirname, 'apply-size-cli.cjs');

/**
 * Makes a change of bbb.cores / bbb.ramGb reach existing servers although Terraform
 * ignores their cores and RAM (the autoscaler owns them at run time). Its trigger is
 * the configured size only: growing the pool or replacing a server does not re-run
 * it, and neither does anything the autoscaler does. When it runs, it resizes the
 * stopped servers through the IONOS API and fails, naming them, for running servers
 * of another size, so the next deploy retries once they are drained and stopped.
 */
export class ApplySize extends Construct {
  readonly resource: NullResource;

  constructor(scope: Construct, id: string, props: ApplySizeProps) {
    super(scope, id);
    const script = new TerraformAsset(this, 'Script', { path: APPLY_SIZE_SCRIPT, type: AssetType.FILE });
    const ramMb = props.ramGb * 1024;
    this.resource = new NullResource(this, 'Resize', {
      triggers: { cores: String(props.cores), ram_mb: String(ramMb) },
      provisioners: [
        {
          type: 'local-exec',
          command: `node ${script.path}`,
          environment: {
            DATACENTER_ID: props.datacenterId,
            SERVERS: terraformJson(props.servers.map(({ name, server }) => ({ name, id: server.id }))),
            CORES: String(props.cores),
            RAM_MB: String(ramMb),
          },
        },
      ],
      dependsOn: props.servers.map(({ server }) => server),
    });
  }
}
