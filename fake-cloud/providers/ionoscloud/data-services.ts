/**
 * Managed PostgreSQL, in-memory DB and NFS, from ionos-cloud/terraform-provider-ionoscloud
 * v6.7.12 ionoscloud/resource_dbaas_pgsql_cluster.go (with checkDBaaSClusterImmutableFields
 * and utils.go VerifyUnavailableIPs), resource_dbaas_pgsql_database.go,
 * resource_dbaas_pgsql_user.go, resource_dbaas_inmemorydb_replicaset.go,
 * resource_nfs_cluster.go and resource_nfs_share.go.
 */
import type { ResourceBehaviour } from '../../engine/behaviour';
import { intAtLeast, intBetween, isUuid, notWhiteSpace, oneOf, type Check } from '../../engine/checks';
import { locate } from '../../engine/paths';
import { isObject, isUnknown } from '../../values/value';
import { refuseImmutableChanges } from './immutable';
import { uuid } from './cloud-values';

const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** Addresses IONOS' managed services use themselves. */
const UNAVAILABLE_NETWORKS: readonly [string, number][] = [
  ['10.233.64.0', 18],
  ['10.233.0.0', 18],
  ['10.233.114.0', 24],
];

const availableCidr: Check = (value, key) => {
  if (typeof value !== 'string') return undefined;
  const address = value.split('/')[0];
  const blocked = UNAVAILABLE_NETWORKS.some(([network, bits]) => sameNetwork(address, network, bits));
  return blocked ? `for ${JSON.stringify(key)} the following IP ranges are unavailable: 10.233.64.0/18, 10.233.0.0/18, 10.233.114.0/24; got: ${value}` : undefined;
};

const ramInGigabytes: Check = (value, key) =>
  intAtLeast(2048)(value, key) ?? (typeof value === 'number' && value % 1024 !== 0 ? `expected ${key} to be divisible by 1024` : undefined);

export const pgCluster: ResourceBehaviour = {
  replaceOn: ['storage_type', 'location', 'backup_location', 'credentials', 'synchronization_mode', 'from_backup'],
  checks: {
    postgres_version: notWhiteSpace,
    instances: intBetween(1, 5),
    ram: ramInGigabytes,
    storage_size: intAtLeast(2048),
    storage_type: oneOf(['HDD', 'SSD', 'SSD Premium', 'SSD Standard'], true),
    'connections.datacenter_id': isUuid,
    'connections.lan_id': notWhiteSpace,
    'connections.cidr': availableCidr,
    location: notWhiteSpace,
    'maintenance_window.time': notWhiteSpace,
    'maintenance_window.day_of_the_week': oneOf(WEEKDAYS, true),
    'credentials.username': notWhiteSpace,
    'credentials.password': notWhiteSpace,
    synchronization_mode: oneOf(['ASYNCHRONOUS', 'SYNCHRONOUS', 'STRICTLY_SYNCHRONOUS']),
    'from_backup.backup_id': notWhiteSpace,
  },
  plan(context) {
    refuseImmutableChanges(
      context,
      ['storage_type', 'location', 'backup_location', 'credentials', 'synchronization_mode', 'from_backup'].map((name) => ({ pattern: name, named: name })),
      { allowReplace: true },
    );
  },
  computed: {
    dns_name: ({ state }) => `pg-${String(state.id).slice(0, 8)}.postgresql.${String(state.location).replace('/', '-')}.ionos.com`,
    backup_location: () => 'de',
  },
};

export const pgDatabase: ResourceBehaviour = {
  replaceOn: ['cluster_id', 'name', 'owner'],
  checks: { cluster_id: isUuid },
};

export const pgUser: ResourceBehaviour = {
  replaceOn: ['cluster_id', 'username'],
  checks: { cluster_id: isUuid },
  computed: { is_system_user: () => false },
};

export const inMemoryDbReplicaSet: ResourceBehaviour = {
  replaceOn: [
    'location',
    'connections.datacenter_id',
    'connections.lan_id',
    'connections.cidr',
    'credentials.username',
    'credentials.plain_text_password',
    'credentials.hashed_password.algorithm',
    'credentials.hashed_password.hash',
    'initial_snapshot_id',
  ],
  checks: {
    persistence_mode: oneOf(['None', 'AOF', 'RDB', 'RDB_AOF'], true),
    eviction_policy: oneOf(
      ['allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl', 'noeviction'],
      true,
    ),
  },
  validate(config, diagnostics) {
    // ExactlyOneOf: []string{"credentials.0.plain_text_password", "credentials.0.hashed_password"}
    for (const { path, value } of locate(config, 'credentials')) {
      if (!Array.isArray(value)) continue;
      value.forEach((credentials, index) => {
        if (!isObject(credentials)) return;
        const plain = credentials.plain_text_password ?? null;
        const hashed = credentials.hashed_password ?? null;
        if (isUnknown(plain) || isUnknown(hashed)) return;
        const given = [plain !== null, Array.isArray(hashed) ? hashed.length > 0 : hashed !== null].filter(Boolean).length;
        if (given === 1) return;
        // SDKv2 helper/schema validateExactlyOneAttribute.
        const names = 'credentials.0.hashed_password,credentials.0.plain_text_password';
        const message =
          given === 0
            ? `"credentials.0.plain_text_password": one of \`${names}\` must be specified`
            : `"credentials.0.plain_text_password": only one of \`${names}\` can be specified, but \`${names}\` were specified.`;
        diagnostics.error(message, undefined, [...path, index, 'plain_text_password']);
      });
    }
  },
  computed: { dns_name: ({ state }) => `${String(state.display_name ?? 'replicaset')}-${uuid().slice(0, 8)}.inmemorydb.ionos.com` },
};

export const nfsCluster: ResourceBehaviour = {
  replaceOn: ['location'],
};

export const nfsShare: ResourceBehaviour = {
  replaceOn: ['cluster_id', 'location'],
  checks: { 'client_groups.nfs.squash': oneOf(['none', 'root-anonymous', 'all-anonymous']) },
  computed: { nfs_path: ({ state }) => `/${String(state.id)}` },
};

function sameNetwork(address: string, network: string, bits: number): boolean {
  const toNumber = (text: string) => text.split('.').reduce((total, part) => total * 256 + Number(part), 0);
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return ((toNumber(address) & mask) >>> 0) === ((toNumber(network) & mask) >>> 0);
}
