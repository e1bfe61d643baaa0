import { Construct } from 'constructs';
import { InmemorydbReplicaset } from '../../.gen/providers/ionoscloud/inmemorydb-replicaset';
import { NfsCluster } from '../../.gen/providers/ionoscloud/nfs-cluster';
import { NfsShare } from '../../.gen/providers/ionoscloud/nfs-share';
import { PgCluster } from '../../.gen/providers/ionoscloud/pg-cluster';
import { PgDatabase } from '../../.gen/providers/ionoscloud/pg-database';
import { PgUser } from '../../.gen/providers/ionoscloud/pg-user';
import type { EnvironmentConfig } from '../../config';
import { PRIVATE_CIDR, privateAddress, withPrefix, type Network } from '../network';
import { resourceName } from '../../conventions/naming';
import { generatedPassword } from './secrets';
import { SCALELITE_UID, SHARED_MOUNT, SPOOL_DIR, SPOOL_GID, SPOOL_GROUP, type SharedStorage } from './shared-storage';

export const POSTGRES_PORT = 5432;
export const REDIS_PORT = 6379;

/** One application's database on the shared PostgreSQL cluster. */
export interface DatabaseAccess {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly username: string;
  /** Terraform reference to a generated password; sensitive. */
  readonly password: string;
  /** `postgresql://user:password@host:port/database`; sensitive. */
  readonly url: string;
}

export interface RedisAccess {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly password: string;
  /** `redis://user:password@host:port`; append `/<n>` for another logical database. */
  readonly url: string;
}

export interface DataServicesProps {
  readonly config: EnvironmentConfig;
  readonly network: Network;
}

/**
 * The state of the Scalelite tier, managed by IONOS and reachable only from the
 * private LAN: PostgreSQL (Scalelite's servers, meetings and recordings index, and
 * Greenlight's database), Redis (Scalelite's meeting state) and, when recordings or
 * Greenlight are on, an NFS share for recordings and uploads. It lives in the
 * network stack because it must outlive every server.
 */
export class DataServices extends Construct {
  readonly postgres: PgCluster;
  readonly redisCluster: InmemorydbReplicaset;
  readonly redis: RedisAccess;
  readonly scaleliteDatabase: DatabaseAccess;
  /** Present when `scalelite.greenlight` is on. */
  readonly greenlightDatabase?: DatabaseAccess;
  /** Present when `scalelite.recordings` or `scalelite.greenlight` is on. */
  readonly sharedStorage?: SharedStorage;
  readonly nfsCluster?: NfsCluster;
  readonly nfsShare?: NfsShare;

  constructor(scope: Construct, id: string, props: DataServicesProps) {
    super(scope, id);
    const { config, network } = props;
    const env = config.name;
    // config/service-locations.ts has checked that the location offers all of them.
    const needsSharedStorage = config.scalelite.recordings || config.scalelite.greenlight;

    this.postgres = new PgCluster(this, 'Postgres', {
      displayName: resourceName(env, 'postgres'),
      location: config.location,
      postgresVersion: '15',
      // A standby in a second instance: a failed primary costs seconds, not the tier.
      instances: 2,
      cores: 2,
      ram: 4096,
      storageSize: 20480,
      storageType: 'SSD Standard',
      synchronizationMode: 'ASYNCHRONOUS',
      connections: { datacenterId: network.datacenter.id, lanId: network.privateLan.id, cidr: withPrefix(privateAddress.postgres) },
      credentials: { username: 'platformadmin', password: generatedPassword(this, 'PostgresAdminPassword') },
      // Sunday night: no lessons, no meetings.
      maintenanceWindow: { dayOfTheWeek: 'Sunday', time: '02:00:00' },
      // No connection pooler: the Scalelite nodes' singleton lock is a session-level
      // advisory lock, which a transaction-mode pooler would hand to other clients.
    });
    this.scaleliteDatabase = this.database('Scalelite', 'scalelite');
    if (config.scalelite.greenlight) {
      this.greenlightDatabase = this.database('Greenlight', 'greenlight');
    }

    const redisPassword = generatedPassword(this, 'RedisPassword');
    const redisUser = 'scalelite';
    this.redisCluster = new InmemorydbReplicaset(this, 'Redis', {
      displayName: resourceName(env, 'redis'),
      location: config.location,
      version: '7.2',
      replicas: 2,
      resources: { cores: 1, ram: 2 },
      // Scalelite keeps meeting-to-server assignments here; losing them on a restart
      // would send joins of running meetings to a new, empty meeting.
      persistenceMode: 'AOF',
      evictionPolicy: 'noeviction',
      connections: { datacenterId: network.datacenter.id, lanId: network.privateLan.id, cidr: withPrefix(privateAddress.redis) },
      credentials: { username: redisUser, plainTextPassword: redisPassword },
      maintenanceWindow: { dayOfTheWeek: 'Sunday', time: '03:00:00' },
    });
    this.redis = {
      host: privateAddress.redis,
      port: REDIS_PORT,
      username: redisUser,
      password: redisPassword,
      url: `redis://${redisUser}:${redisPassword}@${privateAddress.redis}:${REDIS_PORT}`,
    };

    if (needsSharedStorage) {
      this.nfsCluster = new NfsCluster(this, 'NfsCluster', {
        name: resourceName(env, 'recordings'),
        location: config.location,
        size: 2,
        nfs: { minVersion: '4.2' },
        connections: { datacenterId: network.datacenter.id, lan: network.privateLan.id, ipAddress: withPrefix(privateAddress.nfs) },
      });
      this.nfsShare = new NfsShare(this, 'NfsShare', {
        clusterId: this.nfsCluster.id,
        location: config.location,
        name: 'scalelite',
        quota: 0,
        uid: SCALELITE_UID,
        gid: SPOOL_GID,
        // Only the private LAN can reach the cluster at all. No squashing: ids must
        // pass through unchanged for the uid/gid layout above, and root on the
        // Scalelite nodes creates and chowns the directory tree at first boot.
        clientGroups: [{ ipNetworks: [PRIVATE_CIDR], hosts: [], nfs: { squash: 'none' } }],
      });
      this.sharedStorage = {
        server: privateAddress.nfs,
        exportPath: this.nfsShare.nfsPath,
        source: `${privateAddress.nfs}:${this.nfsShare.nfsPath}`,
        mountPoint: SHARED_MOUNT,
        spoolDir: SPOOL_DIR,
        spoolGroup: SPOOL_GROUP,
        spoolGid: SPOOL_GID,
      };
    }
  }

  private database(id: string, name: string): DatabaseAccess {
    const password = generatedPassword(this, `${id}DatabasePassword`);
    const user = new PgUser(this, `${id}User`, { clusterId: this.postgres.id, username: name, password });
    const database = new PgDatabase(this, `${id}Database`, { clusterId: this.postgres.id, name, owner: user.username });
    const host = privateAddress.postgres;
    return {
      host,
      port: POSTGRES_PORT,
      database: database.name,
      username: user.username,
      password,
      url: `postgresql://${user.username}:${password}@${host}:${POSTGRES_PORT}/${database.name}`,
    };
  }
}
