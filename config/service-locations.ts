/**
 * The IONOS locations that offer the managed services an environment builds on, as
 * the pinned provider (ionoscloud 6.7.12) reaches them. A location without one of
 * them passes `terraform plan` and fails only when the service is created, after the
 * datacenter and its LANs exist; check-config rejects it up front instead.
 * Sources, read December 2026 (docs/scalelite.md#where-they-are-offered):
 * - PostgreSQL: "As of December 2022, DBaaS is offered in all IONOS Cloud Locations"
 *   (docs.ionos.com/cloud/databases/postgresql/overview).
 * - In-Memory DB: the regional API endpoints in docs.ionos.com/cloud/databases/in-memory-db
 *   ("API How-Tos"), less Worcester (gb/bhx), which provider 6.7.12 has no endpoint for
 *   (services/dbaas/inmemorydb/client.go, locationToURL).
 * - Network File Storage: the regional endpoints in
 *   docs.ionos.com/cloud/storage-and-backup/network-file-storage/api-how-tos ("The
 *   region 'Worcester, GB' will follow shortly"), the same as provider 6.7.12's
 *   services/nfs/client.go.
 */
import { IONOS_LOCATIONS } from './formats';

type Location = (typeof IONOS_LOCATIONS)[number];

interface ManagedService {
  /** How operators know it, e.g. in the DCD. */
  readonly name: string;
  readonly resource: string;
  readonly locations: readonly Location[];
}

export const MANAGED_SERVICES = {
  postgres: { name: 'IONOS DBaaS PostgreSQL', resource: 'ionoscloud_pg_cluster', locations: IONOS_LOCATIONS },
  inMemoryDb: {
    name: 'IONOS In-Memory DB',
    resource: 'ionoscloud_inmemorydb_replicaset',
    locations: ['de/fra', 'de/txl', 'es/vit', 'fr/par', 'gb/lhr', 'us/ewr', 'us/las', 'us/mci'],
  },
  networkFileStorage: {
    name: 'IONOS Network File Storage',
    resource: 'ionoscloud_nfs_cluster',
    locations: ['de/fra', 'de/txl', 'es/vit', 'fr/par', 'gb/lhr', 'us/ewr', 'us/las', 'us/mci'],
  },
} as const satisfies Record<string, ManagedService>;

/** What an environment asks of the managed services, read from its settings. */
export interface ServiceUse {
  readonly location: string;
  readonly recordings: boolean;
  readonly greenlight: boolean;
}

/** One message per managed service the environment uses that its location does not offer. */
export function serviceLocationProblems(use: ServiceUse): string[] {
  const needs: { service: ManagedService; neededBy: string; otherwise?: string }[] = [
    { service: MANAGED_SERVICES.postgres, neededBy: "Scalelite's database" },
    { service: MANAGED_SERVICES.inMemoryDb, neededBy: "Scalelite's Redis" },
  ];
  const sharedStorageKeys = [use.recordings && 'scalelite.recordings', use.greenlight && 'scalelite.greenlight'].filter(Boolean).join(' and ');
  if (sharedStorageKeys) {
    needs.push({ service: MANAGED_SERVICES.networkFileStorage, neededBy: `the shared storage of ${sharedStorageKeys}`, otherwise: `turn off ${sharedStorageKeys}` });
  }
  return needs
    .filter(({ service }) => !(service.locations as readonly string[]).includes(use.location))
    .map(
      ({ service, neededBy, otherwise }) =>
        `"${use.location}" does not offer ${service.name} (${service.resource}), which ${neededBy} needs; ` +
        `it is offered in ${service.locations.join(', ')}${otherwise ? `, or ${otherwise}` : ''}`,
    );
}
