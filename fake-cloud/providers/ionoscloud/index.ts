/**
 * ionos-cloud/ionoscloud 6.7.12: the schema committed in providers/ (the one the
 * bindings are generated from) and the behaviour of every resource type the platform
 * uses. Its configuration needs credentials, as ionoscloud/provider.go providerConfigure
 * demands: a token or a user name and password, given or from IONOS_TOKEN,
 * IONOS_USERNAME and IONOS_PASSWORD.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { ProviderDefinition } from '../../engine/provider';
import type { ProviderSchemaJson } from '../../schema/schema';
import { nic, server, volume } from './compute';
import { inMemoryDbReplicaSet, nfsCluster, nfsShare, pgCluster, pgDatabase, pgUser } from './data-services';
import {
  applicationLoadBalancer,
  autoCertificate,
  autoCertificateProvider,
  dnsRecord,
  dnsZone,
  forwardingRule,
  targetGroup,
} from './front-door';
import { datacenter, ipblock, lan, natgateway, natgatewayRule } from './network';

const SOURCE = 'registry.terraform.io/ionos-cloud/ionoscloud';

/** Where providers/ionoscloud-<version>.schema.json is: the repository, or beside the bundled plugin. */
const PROVIDERS_DIR = process.env.FAKE_CLOUD_IONOS_SCHEMA_DIR ?? path.resolve(__dirname, '../../../providers');

function committedSchemaFile(): { file: string; version: string } {
  const file = readdirSync(PROVIDERS_DIR).find((name) => /^ionoscloud-\d+\.\d+\.\d+\.schema\.json$/.test(name));
  if (!file) throw new Error(`no ionoscloud-<version>.schema.json in ${PROVIDERS_DIR}`);
  return { file: path.join(PROVIDERS_DIR, file), version: /ionoscloud-(.*)\.schema\.json/.exec(file)![1] };
}

let schemaFile: { file: string; version: string } | undefined;
let schema: ProviderSchemaJson | undefined;

export const ionoscloudProvider: ProviderDefinition = {
  name: 'ionoscloud',
  source: SOURCE,
  get version(): string {
    schemaFile ??= committedSchemaFile();
    return schemaFile.version;
  },
  /** Read when first asked for: the file is large, and the null and random plugins never need it. */
  get schema(): ProviderSchemaJson {
    schemaFile ??= committedSchemaFile();
    schema ??= JSON.parse(readFileSync(schemaFile.file, 'utf8')).provider_schemas[SOURCE] as ProviderSchemaJson;
    return schema;
  },
  resources: {
    ionoscloud_datacenter: datacenter,
    ionoscloud_lan: lan,
    ionoscloud_ipblock: ipblock,
    ionoscloud_natgateway: natgateway,
    ionoscloud_natgateway_rule: natgatewayRule,
    ionoscloud_server: server,
    ionoscloud_nic: nic,
    ionoscloud_volume: volume,
    ionoscloud_pg_cluster: pgCluster,
    ionoscloud_pg_database: pgDatabase,
    ionoscloud_pg_user: pgUser,
    ionoscloud_inmemorydb_replicaset: inMemoryDbReplicaSet,
    ionoscloud_nfs_cluster: nfsCluster,
    ionoscloud_nfs_share: nfsShare,
    ionoscloud_application_loadbalancer: applicationLoadBalancer,
    ionoscloud_application_loadbalancer_forwardingrule: forwardingRule,
    ionoscloud_target_group: targetGroup,
    ionoscloud_auto_certificate: autoCertificate,
    ionoscloud_auto_certificate_provider: autoCertificateProvider,
    ionoscloud_dns_zone: dnsZone,
    ionoscloud_dns_record: dnsRecord,
  },
  configure(config, diagnostics) {
    const given = (name: string, variable: string) => (typeof config[name] === 'string' && config[name] !== '') || Boolean(process.env[variable]);
    if (!given('token', 'IONOS_TOKEN') && !(given('username', 'IONOS_USERNAME') && given('password', 'IONOS_PASSWORD'))) {
      diagnostics.error('missing credentials, either token or username and password must be set');
    }
  },
};
