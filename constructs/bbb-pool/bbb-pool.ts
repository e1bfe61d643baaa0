import { TerraformLocal } from 'cdktf';
import { Construct } from 'constructs';
import { Password } from '@cdktf/provider-random/lib/password';
import type { EnvironmentConfig } from '../../config';
import { inventoryPolicyFromEnvironment } from '../../functions/autoscaler/policy/settings';
import { serverName } from '../../conventions/naming';
import { privateAddress, type Network } from '../network';
import { PlatformServer } from '../server';
import { terraformJson } from '../terraform-string';
import { ApplySize } from './apply-size';
import { bbbCloudConfigRenderer, type RecordingsShare, type TurnEndpoint } from './bbb-cloud-config';
import { bbbInboundRules } from './firewall';
import { bbbApiUrl, type CoordinationRedis, type Inventory, type InventoryServer } from './inventory';
import { bbbRelease } from './release';
import { powerAgentKey } from './power-agent';

/** What the pool needs from Scalelite: the server API the autoscaler registers servers with. */
export interface ScaleliteEndpoint {
  /** e.g. https://scalelite.<domain>/scalelite/api */
  readonly apiUrl: string;
  /** LOADBALANCER_SECRET (a Terraform reference). */
  readonly secret: string;
}

export interface BbbPoolProps {
  readonly config: EnvironmentConfig;
  readonly network: Network;
  readonly scalelite: ScaleliteEndpoint;
  /** Required when scalelite.recordings is true. @default no recording transfer */
  readonly recordings?: RecordingsShare;
  /** Required when turn.servers > 0. @default BigBlueButton's built-in TURN server */
  readonly turn?: TurnEndpoint;
  /** Where the autoscaler reaches Prometheus. @default 'http://prometheus:9090' */
  readonly prometheusUrl?: string;
  /** The Redis the autoscalers share their lease in (the platform's; its password is a Terraform reference). */
  readonly coordination: CoordinationRedis;
}

/**
 * Attributes of a BBB server that belong to the autoscaler at run time: it powers
 * servers on and off and hot-plugs cores and RAM. Terraform must not undo that.
 */
export const AUTOSCALER_OWNED_ATTRIBUTES = ['vm_state', 'cores', 'ram'] as const;

/** Length of a BBB API secret; letters and digits only, so it needs no quoting anywhere. */
const SECRET_LENGTH = 40;

/**
 * The BigBlueButton pool: `bbb.pool.size` servers, each with its reserved public
 * address and DNS name, BBB installed and secured with Let's Encrypt, exporters for
 * Prometheus, and its own API secret. Provisioned to full size; the autoscaler
 * decides which of them run. `inventoryJson` is what the autoscaler reads.
 */
export class BbbPool extends Construct {
  readonly servers: PlatformServer[];
  readonly inventory: Inventory;
  /** The inventory as one JSON document (a Terraform expression). */
  readonly inventoryJson: string;
  readonly applySize: ApplySize;
  /** The private half of the power-off channel's key (sensitive), for the autoscaler. */
  readonly powerAgentPrivateKey: string;

  constructor(scope: Construct, id: string, props: BbbPoolProps) {
    super(scope, id);
    const { config, network } = props;
    validate(props);
    const poolSize = config.bbb.pool.size;
    const turn = config.turn.servers > 0 ? props.turn : undefined;
    const recordings = config.scalelite.recordings ? props.recordings : undefined;
    const agentKey = powerAgentKey(this);
    this.powerAgentPrivateKey = agentKey.privateKeyOpenssh;

    const cloudConfigFor = bbbCloudConfigRenderer(config, { turn, recordings, powerAgentKey: agentKey.publicKeyOpenssh });
    const members = Array.from({ length: poolSize }, (_, offset) => {
      const index = offset + 1;
      const member = new Construct(this, `Server${index}`);
      const name = serverName(config.name, 'bbb', index);
      const address = network.bbbAddresses[offset];
      const secret = new Password(member, 'ApiSecret', { length: SECRET_LENGTH, special: false });
      const cloudConfig = cloudConfigFor({ fqdn: address.fqdn, bbbSecret: secret.result });
      const server = new PlatformServer(member, 'Vm', {
        config,
        network,
        name,
        role: 'bbb',
        cores: config.bbb.cores,
        ramGb: config.bbb.ramGb,
        diskGb: config.bbb.diskGb,
        userData: cloudConfig,
        privateIp: privateAddress.bbb(index),
        publicAddress: address,
        inbound: bbbInboundRules(config),
        ignoreChanges: [...AUTOSCALER_OWNED_ATTRIBUTES],
      });
      const entry: InventoryServer = {
        name,
        ionosServerId: server.server.id,
        hostname: address.fqdn,
        privateIp: privateAddress.bbb(index),
        bbbApiUrl: bbbApiUrl(address.fqdn),
        bbbSecret: secret.result,
        baseCores: config.bbb.cores,
        baseRamGb: config.bbb.ramGb,
      };
      return { name, server, entry };
    });
    this.servers = members.map((member) => member.server);

    this.applySize = new ApplySize(this, 'ApplySize', {
      datacenterId: network.datacenter.id,
      servers: members.map(({ name, server }) => ({ name, server: server.server })),
      cores: config.bbb.cores,
      ramGb: config.bbb.ramGb,
    });

    this.inventory = {
      environment: config.name,
      datacenterId: network.datacenter.id,
      prometheusUrl: props.prometheusUrl ?? 'http://prometheus:9090',
      scalelite: { apiUrl: props.scalelite.apiUrl, secret: props.scalelite.secret },
      coordination: { redis: coordinationRedis(props.coordination) },
      policy: inventoryPolicyFromEnvironment(config, bbbRelease(config.bbb.version).packageVersion),
      servers: members.map((member) => member.entry),
    };
    // One local in this stack: a reader in another stack then costs one cross-stack
    // output instead of two per server (id and secret).
    this.inventoryJson = new TerraformLocal(this, 'Inventory', terraformJson(this.inventory)).asString;
  }
}

/** Exactly the fields the autoscaler reads (a caller may pass an object with more, such as a URL holding the password). */
function coordinationRedis({ host, port, username, password }: CoordinationRedis): CoordinationRedis {
  return { host, port, username, password };
}

function validate(props: BbbPoolProps): void {
  const { config, network } = props;
  const size = config.bbb.pool.size;
  if (network.bbbAddresses.length !== size) {
    throw new Error(
      `BbbPool: bbb.pool.size is ${size} but the network reserved ${network.bbbAddresses.length} BBB address(es); build both from the same config`,
    );
  }
  if (config.scalelite.recordings && !props.recordings) {
    throw new Error('BbbPool: scalelite.recordings is true, so the recordings NFS share (recordings) must be given');
  }
  if (config.turn.servers > 0 && !props.turn) {
    throw new Error(`BbbPool: turn.servers is ${config.turn.servers}, so the TURN endpoint (turn) must be given`);
  }
}

