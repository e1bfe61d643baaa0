/**
 * check-config rejects a location that lacks a managed service the environment uses,
 * naming the service and where it is offered, before Terraform would fail halfway
 * through creating the network stack.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { ConfigError, IONOS_LOCATIONS, parseEnvironment } from '../../config';
import { MANAGED_SERVICES } from '../../config/service-locations';

const example = readFileSync(path.resolve(__dirname, '../../environments/example.yaml'), 'utf8');

function problemsIn(location: string, scalelite: { recordings: boolean; greenlight: boolean }): string[] {
  const document = yaml.load(example) as Record<string, any>;
  document.location = location;
  Object.assign(document.scalelite, scalelite);
  try {
    parseEnvironment(yaml.dump(document), 'school.yaml');
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // Every problem names the location key's line; the messages are what this file checks.
    expect(error.problems.every((problem) => problem.startsWith('line 2, column 1: location: '))).toBe(true);
    return error.problems.map((problem) => problem.replace(/^line 2, column 1: /, ''));
  }
}

const BOTH = { recordings: true, greenlight: true };
const NEITHER = { recordings: false, greenlight: false };
const OFFERED = 'de/fra, de/txl, es/vit, fr/par, gb/lhr, us/ewr, us/las, us/mci';

describe('locations and the managed services an environment uses', () => {
  it('accepts every location that offers PostgreSQL, In-Memory DB and Network File Storage', () => {
    for (const location of MANAGED_SERVICES.networkFileStorage.locations) {
      expect([location, problemsIn(location, BOTH)]).toEqual([location, []]);
    }
  });

  it('names each missing service, what needs it and where it is offered', () => {
    expect(problemsIn('de/fkb', { recordings: true, greenlight: false })).toEqual([
      `location: "de/fkb" does not offer IONOS In-Memory DB (ionoscloud_inmemorydb_replicaset), which Scalelite's Redis needs; it is offered in ${OFFERED}`,
      `location: "de/fkb" does not offer IONOS Network File Storage (ionoscloud_nfs_cluster), which the shared storage of scalelite.recordings needs; it is offered in ${OFFERED}, or turn off scalelite.recordings`,
    ]);
  });

  it('rejects Worcester, whose In-Memory DB the pinned provider cannot reach, whatever the tier uses', () => {
    expect(problemsIn('gb/bhx', NEITHER)).toEqual([
      `location: "gb/bhx" does not offer IONOS In-Memory DB (ionoscloud_inmemorydb_replicaset), which Scalelite's Redis needs; it is offered in ${OFFERED}`,
    ]);
    expect(problemsIn('gb/bhx', BOTH)[1]).toContain('which the shared storage of scalelite.recordings and scalelite.greenlight needs;');
  });

  it('leaves the services of a location the schema does not know to the schema error', () => {
    expect(problemsIn('de/muc', NEITHER)).toEqual([expect.stringMatching(/^location: must be one of "de\/fra"/)]);
  });

  it('knows PostgreSQL in every location the schema accepts', () => {
    expect(MANAGED_SERVICES.postgres.locations).toEqual(IONOS_LOCATIONS);
  });
});
