import { exampleConfig, exampleWith, resourcesOf, synthEnvironment } from '../../testing/synth';
import { SCALELITE_UID, SPOOL_GID } from '../../constructs/data';

const example = synthEnvironment(exampleConfig());
const stack = example.stacks['example-network'];
const privateLan = /^\$\{ionoscloud_lan\.Network_PrivateLan_[A-F0-9]+\.id\}$/;
const datacenter = /^\$\{ionoscloud_datacenter\.Network_Datacenter_[A-F0-9]+\.id\}$/;
const single = (type: string) => {
  const found = resourcesOf(stack, type);
  expect(found).toHaveLength(1);
  return found[0][1];
};

describe('managed data services (network stack)', () => {
  it('runs PostgreSQL with a standby, reachable only at its fixed address on the private LAN', () => {
    const cluster = single('ionoscloud_pg_cluster');
    expect(cluster).toMatchObject({ display_name: 'example-postgres', location: 'de/fra', instances: 2, postgres_version: '15' });
    expect(cluster.connections).toEqual({ datacenter_id: expect.stringMatching(datacenter), lan_id: expect.stringMatching(privateLan), cidr: '10.20.3.10/16' });
    expect(cluster.credentials.password).toMatch(/^\$\{random_password\.[^.]+\.result\}$/);
  });

  it('creates a database owned by its own user for Scalelite and for Greenlight', () => {
    const users: Record<string, { name: string; user: any }> = Object.fromEntries(
      resourcesOf(stack, 'ionoscloud_pg_user').map(([name, user]) => [user.username, { name, user }]),
    );
    expect(Object.keys(users).sort()).toEqual(['greenlight', 'scalelite']);
    for (const { user } of Object.values(users)) expect(user.password).toMatch(/^\$\{random_password\.[^.]+\.result\}$/);
    const databases = resourcesOf(stack, 'ionoscloud_pg_database').map(([, database]) => database);
    expect(databases.map((database) => [database.name, database.owner]).sort()).toEqual([
      ['greenlight', `\${ionoscloud_pg_user.${users.greenlight.name}.username}`],
      ['scalelite', `\${ionoscloud_pg_user.${users.scalelite.name}.username}`],
    ]);
  });

  it('runs Redis with persistence and no eviction (Scalelite keeps meeting state there), on the private LAN only', () => {
    const redis = single('ionoscloud_inmemorydb_replicaset');
    expect(redis).toMatchObject({ persistence_mode: 'AOF', eviction_policy: 'noeviction', location: 'de/fra', replicas: 2 });
    expect(redis.connections).toEqual({ datacenter_id: expect.stringMatching(datacenter), lan_id: expect.stringMatching(privateLan), cidr: '10.20.3.20/16' });
    expect(redis.credentials.plain_text_password).toMatch(/^\$\{random_password\.[^.]+\.result\}$/);
  });

  it('exports the recordings share on the private LAN with the uid/gid layout Scalelite and BBB share', () => {
    const cluster = single('ionoscloud_nfs_cluster');
    expect(cluster.connections).toEqual({ datacenter_id: expect.stringMatching(datacenter), lan: expect.stringMatching(privateLan), ip_address: '10.20.3.30/16' });
    const share = single('ionoscloud_nfs_share');
    expect(share).toMatchObject({ uid: SCALELITE_UID, gid: SPOOL_GID, name: 'scalelite' });
    expect(SCALELITE_UID).toBe(1000);
    expect(SPOOL_GID).toBe(2000);
    expect(share.client_groups).toEqual([{ ip_networks: ['10.20.0.0/16'], hosts: [], nfs: { squash: 'none' } }]);
  });

  it('exposes no data service outside the private LAN', () => {
    const publicLanRef = /ionoscloud_lan\.Network_PublicLan/;
    for (const type of ['ionoscloud_pg_cluster', 'ionoscloud_inmemorydb_replicaset', 'ionoscloud_nfs_cluster', 'ionoscloud_nfs_share']) {
      for (const [, body] of resourcesOf(stack, type)) expect(JSON.stringify(body)).not.toMatch(publicLanRef);
    }
  });

  it('generates passwords of letters and digits only, so they need no escaping in URLs, env files and YAML', () => {
    const passwords = resourcesOf(stack, 'random_password').map(([, password]) => password);
    expect(passwords).toHaveLength(4);
    for (const password of passwords) expect(password).toMatchObject({ length: 32, special: false, min_upper: 2, min_lower: 2, min_numeric: 2 });
  });

  it('hands the typed connection details to the constructs that use them', () => {
    const { data } = example.platform.network;
    expect(data.scaleliteDatabase).toMatchObject({ host: '10.20.3.10', port: 5432 });
    expect(data.scaleliteDatabase.url).toMatch(/^postgresql:\/\/.+:.+@10\.20\.3\.10:5432\/.+$/);
    expect(data.redis.url).toMatch(/^redis:\/\/scalelite:.+@10\.20\.3\.20:6379$/);
    expect(data.sharedStorage).toMatchObject({
      server: '10.20.3.30',
      mountPoint: '/mnt/scalelite-recordings',
      spoolDir: '/mnt/scalelite-recordings/var/bigbluebutton/spool',
      spoolGroup: 'scalelite-spool',
      spoolGid: 2000,
    });
    expect(data.sharedStorage?.source.startsWith('10.20.3.30:')).toBe(true);
  });
});

describe('data services without recordings and Greenlight', () => {
  const { stacks, platform } = synthEnvironment(exampleWith({ scalelite: { recordings: false, greenlight: false } }));
  const lean = stacks['example-network'];

  it('has no NFS storage and no Greenlight database', () => {
    expect(resourcesOf(lean, 'ionoscloud_nfs_cluster')).toHaveLength(0);
    expect(resourcesOf(lean, 'ionoscloud_nfs_share')).toHaveLength(0);
    expect(resourcesOf(lean, 'ionoscloud_pg_user').map(([, user]) => user.username)).toEqual(['scalelite']);
    expect(platform.network.data.sharedStorage).toBeUndefined();
    expect(platform.network.data.greenlightDatabase).toBeUndefined();
  });
});

describe('data services outside Frankfurt', () => {
  it('builds every managed service in the environment\u2019s location, when it offers them (config/service-locations.ts)', () => {
    const { stacks } = synthEnvironment(exampleWith({ location: 'es/vit' }));
    const network = stacks['example-network'];
    for (const type of ['ionoscloud_pg_cluster', 'ionoscloud_inmemorydb_replicaset', 'ionoscloud_nfs_cluster']) {
      expect([type, resourcesOf(network, type)[0][1].location]).toEqual([type, 'es/vit']);
    }
  });
});
