import type { IConstruct } from 'constructs';
import { TerraformElement } from 'cdktf';
import { elementType, type ElementIndex } from '../inspect/elements';
import { lanVisibility } from '../inspect/network';
import { blocks } from '../inspect/values';
import type { PolicyRule } from '../rule';

/**
 * Managed data services and the argument of their `connections` block that names the
 * LAN: the ones the platform uses (PostgreSQL, Redis, NFS) and their siblings, so a
 * future MariaDB, MongoDB or Kafka is held to the same rule.
 */
const LAN_ARGUMENT: Readonly<Record<string, string>> = {
  ionoscloud_pg_cluster: 'lan_id',
  ionoscloud_inmemorydb_replicaset: 'lan_id',
  ionoscloud_nfs_cluster: 'lan',
  ionoscloud_mariadb_cluster: 'lan_id',
  ionoscloud_mongo_cluster: 'lan_id',
  ionoscloud_kafka_cluster: 'lan_id',
};

export const dataServicesPrivate: PolicyRule = {
  id: 'DATA-PRIVATE-LAN',
  severity: 'error',
  reason: 'PostgreSQL, Redis and NFS hold user data and speak unauthenticated or weakly authenticated protocols; they belong on the private LAN only',
  check(node: IConstruct, index: ElementIndex): string[] {
    if (!TerraformElement.isTerraformElement(node)) return [];
    const type = elementType(node);
    const argument = type ? LAN_ARGUMENT[type] : undefined;
    if (!argument) return [];
    const connections = blocks(index.body(node).connections);
    if (connections.length === 0) return [`${type} has no connections block, so its LAN cannot be checked`];
    return connections.flatMap((connection, position) => {
      const visibility = lanVisibility(connection[argument], index, node.cdktfStack);
      if (visibility === 'private') return [];
      const what = visibility === 'public' ? 'a public LAN' : 'a LAN not traceable to a private ionoscloud_lan';
      return [`connections[${position}].${argument} points at ${what}`];
    });
  },
};
