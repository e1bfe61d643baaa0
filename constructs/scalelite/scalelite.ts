import { Construct } from 'constructs';
import { greenlightMailFrom, mailRelay, maintenanceWindow, type EnvironmentConfig } from '../../config';
import { generatedHexSecret, smtpPassword, type DataServices, type SharedStorage } from '../data';
import { wholeWindow } from '../maintenance';
import { privateAddress, type Network } from '../network';
import { publicHosts, serverName } from '../../conventions/naming';
import { PlatformServer } from '../server';
import { ManagedCertificate } from '../tls';
import { ScaleliteLoadBalancer, type BackendSpec } from './load-balancer';
import { nodeCloudConfig } from './node-cloud-config';
import { GREENLIGHT_PORT, SCALELITE_PORT, nodeFiles, type NodeFile, type NodeSettings } from './node-files';
import { GREENLIGHT_VERSION, SCALELITE_VERSION } from './versions';

export interface ScaleliteProps {
  readonly config: EnvironmentConfig;
  readonly network: Network;
  readonly data: DataServices;
  /** @default 50 */
  readonly diskGb?: number;
}

/**
 * The front door of the platform: `scalelite.nodes` Scalelite nodes (API, nginx and,
 * when enabled, Greenlight in Docker Compose) on the private LAN behind an IONOS
 * Application Load Balancer with a certificate that renews itself. Exactly one node
 * at a time runs the poller and the recording importer (a PostgreSQL advisory lock
 * decides which). Other constructs read the endpoints and the secret from here.
 */
export class Scalelite extends Construct {
  readonly nodes: PlatformServer[];
  readonly loadBalancer: ScaleliteLoadBalancer;
  readonly certificate: ManagedCertificate;
  /** Scalelite's server REST API (getServers, addServer, updateServer, ...): `https://scalelite.<domain>/scalelite/api`. */
  readonly apiUrl: string;
  /** The BigBlueButton API LMSs and Greenlight talk to: `https://scalelite.<domain>/bigbluebutton/api`. */
  readonly bbbApiUrl: string;
  /** LOADBALANCER_SECRET: the shared secret for both APIs (a Terraform reference; sensitive). */
  readonly secret: string;
  /** `https://greenlight.<domain>` when Greenlight is enabled. */
  readonly greenlightUrl?: string;
  /** The NFS storage BBB servers mount to hand recordings to the importer (present when recordings are on). */
  readonly recordingsStorage?: SharedStorage;
  /** What each node receives, in node order: its first boot's files, and what `ScaleliteConfigPush` delivers later. */
  readonly nodeFiles: readonly (readonly NodeFile[])[];

  constructor(scope: Construct, id: string, props: ScaleliteProps) {
    super(scope, id);
    const { config, network, data } = props;
    const settings = config.scalelite;
    const env = config.name;
    const hosts = publicHosts(config);
    const greenlightOn = settings.greenlight;

    this.bbbApiUrl = `https://${hosts.scalelite}/bigbluebutton/api`;
    this.apiUrl = `https://${hosts.scalelite}/scalelite/api`;
    this.greenlightUrl = greenlightOn ? `https://${hosts.greenlight}` : undefined;
    this.recordingsStorage = settings.recordings ? data.sharedStorage : undefined;
    this.secret = generatedHexSecret(this, 'LoadbalancerSecret', 32);

    const greenlightDatabase = data.greenlightDatabase;
    if (greenlightOn && !greenlightDatabase) {
      throw new Error(`${this.node.path}: scalelite.greenlight is on but the data services have no Greenlight database`);
    }
    const nodeSettings: NodeSettings = {
      scaleliteVersion: SCALELITE_VERSION,
      loadbalancerSecret: this.secret,
      secretKeyBase: generatedHexSecret(this, 'SecretKeyBase', 64),
      databaseUrl: data.scaleliteDatabase.url,
      redisUrl: data.redis.url,
      // Puma workers: Scalelite suggests 2 per core or 1 per 256 MB, whichever is lower.
      webConcurrency: Math.min(settings.cores * 2, settings.ramGb * 4),
      recordings: settings.recordings,
      sharedStorage: data.sharedStorage,
      greenlight: greenlightDatabase
        ? {
            version: GREENLIGHT_VERSION,
            secretKeyBase: generatedHexSecret(this, 'GreenlightSecretKeyBase', 64),
            databaseUrl: greenlightDatabase.url,
            // Logical database 1: Greenlight's keys stay apart from Scalelite's meeting state.
            redisUrl: `${data.redis.url}/1`,
            bigbluebuttonEndpoint: `${this.bbbApiUrl}/`,
            mail: { relay: mailRelay(config), from: greenlightMailFrom(config), password: smtpPassword(this), heloDomain: config.domain },
          }
        : undefined,
      // All nodes open the window together; the lock hands out the turns.
      maintenanceWindow: wholeWindow(maintenanceWindow(config)),
      nodeAddresses: Array.from({ length: settings.nodes }, (_, i) => privateAddress.scalelite(i + 1)),
    };
    const files = nodeFiles(nodeSettings);
    this.nodeFiles = Array.from({ length: settings.nodes }, () => files);

    this.nodes = Array.from({ length: settings.nodes }, (_, i) => {
      const index = i + 1;
      const name = serverName(env, 'scalelite', index);
      return new PlatformServer(this, `Node${index}`, {
        config,
        network,
        name,
        role: 'scalelite',
        cores: settings.cores,
        ramGb: settings.ramGb,
        diskGb: props.diskGb ?? 50,
        privateIp: privateAddress.scalelite(index),
        // The first boot's files only; later changes travel by push.
        userData: nodeCloudConfig(config, { hostname: name, files, sharedStorage: data.sharedStorage }),
      });
    });

    this.certificate = new ManagedCertificate(this, 'Certificate', {
      config,
      purpose: 'lb',
      names: [hosts.scalelite, ...(greenlightOn ? [hosts.greenlight] : [])],
    });
    const backends: BackendSpec[] = [
      {
        purpose: 'scalelite',
        host: hosts.scalelite,
        port: SCALELITE_PORT,
        healthPath: '/health_check',
        // Scalelite answers 200 with "Health Check Failure: ..." when Redis or the database fail.
        healthMatch: { type: 'RESPONSE_BODY', response: 'success' },
      },
      ...(greenlightOn
        ? [
            {
              purpose: 'greenlight',
              host: hosts.greenlight,
              port: GREENLIGHT_PORT,
              // Greenlight answers 500 when a check fails; greenlight.env limits the checks
              // to what this node needs (database, Redis): see docs/scalelite.md.
              healthPath: '/health_check',
              healthMatch: { type: 'STATUS_CODE', response: '200' },
            } satisfies BackendSpec,
          ]
        : []),
    ];
    this.loadBalancer = new ScaleliteLoadBalancer(this, 'LoadBalancer', {
      environment: env,
      network,
      certificate: this.certificate,
      targetIps: this.nodes.map((node) => node.privateIp),
      backends,
    });
  }
}
