import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  InventoryError,
  type Inventory,
  ionosTokenFromEnv,
  loadInventory,
  normalizeUrl,
  parseInventory,
} from '../../functions/autoscaler/inventory';
import { World } from './fakes/world';

const valid = (): Inventory => new World({ servers: 3, minRunning: 1 }).inventory();

function problems(document: unknown): string[] {
  try {
    parseInventory(JSON.stringify(document), 'inventory.json');
  } catch (error) {
    expect(error).toBeInstanceOf(InventoryError);
    return [...(error as InventoryError).problems];
  }
  throw new Error('expected the inventory to be rejected');
}

describe('inventory', () => {
  it('accepts the contract shape', () => {
    const inventory = parseInventory(JSON.stringify(valid()));
    expect(inventory.servers.map((server) => server.name)).toEqual(['example-bbb-01', 'example-bbb-02', 'example-bbb-03']);
    expect(inventory.policy.autoscaler.intervalSeconds).toBe(60);
  });

  it('names the path of every problem', () => {
    const inventory = valid() as unknown as { policy: { minRunning: number; autoscaler: { targetUtilization: number } }; servers: Array<Record<string, unknown>>; prometheusUrl: string };
    inventory.policy.minRunning = 7;
    inventory.policy.autoscaler.targetUtilization = 1.5;
    inventory.prometheusUrl = 'prometheus:9090';
    inventory.servers[1].name = 'example-bbb-01';
    inventory.servers[2].bbbApiUrl = `${String(inventory.servers[0].bbbApiUrl).toUpperCase()}/`;
    delete inventory.servers[0].bbbSecret;
    expect(problems(inventory)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^prometheusUrl: /),
        expect.stringMatching(/^policy\.autoscaler\.targetUtilization: /),
        'servers[0].bbbSecret: is required (a string)',
      ]),
    );
  });

  it('checks relations between keys once the shape is right', () => {
    const inventory = valid() as unknown as { policy: { minRunning: number; poolSize: number }; servers: Array<Record<string, unknown>> };
    inventory.policy.minRunning = 7;
    inventory.servers[1].name = 'example-bbb-01';
    inventory.servers[2].bbbApiUrl = `${String(inventory.servers[0].bbbApiUrl).toUpperCase()}/`;
    expect(problems(inventory)).toEqual([
      'policy.minRunning: must be <= policy.poolSize (3), got 7',
      'servers[1].name: duplicates servers[0].name (example-bbb-01)',
      expect.stringMatching(/^servers\[2\]\.bbbApiUrl: duplicates servers\[0\]\.bbbApiUrl/),
    ]);
    inventory.policy.minRunning = 1;
    inventory.policy.poolSize = 2;
    expect(problems(inventory)).toContain('servers: lists 3 servers but policy.poolSize is 2');
  });

  it('names a bad private address, a duplicated one and a coordination store without a host', () => {
    const inventory = valid() as unknown as { servers: Array<Record<string, unknown>>; coordination: { redis: Record<string, unknown> } };
    inventory.servers[0].privateIp = 'bbb-01.internal';
    inventory.servers[2].privateIp = inventory.servers[1].privateIp;
    delete inventory.coordination.redis.host;
    expect(problems(inventory)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^coordination\.redis\.host: /),
        expect.stringMatching(/^servers\[0\]\.privateIp: must be the server's private IPv4 address/),
      ]),
    );
    const duplicated = valid() as unknown as { servers: Array<Record<string, unknown>> };
    duplicated.servers[2].privateIp = duplicated.servers[1].privateIp;
    expect(problems(duplicated)).toEqual([`servers[2].privateIp: duplicates servers[1].privateIp (${String(duplicated.servers[1].privateIp)})`]);
  });

  it('rejects unknown keys, a missing server list and non-JSON text', () => {
    expect(problems({ ...valid(), ionosToken: 'x' })).toEqual([
      'ionosToken: unknown key; the keys here are environment, datacenterId, prometheusUrl, ionosApiUrl, scalelite, coordination, policy, servers',
    ]);
    expect(problems({ ...valid(), servers: [] })).toEqual(['servers: must list at least one BBB server']);
    expect(() => parseInventory('{ nope', 'inventory.json')).toThrow(/^inventory\.json: 1 problem\n {2}not valid JSON/);
  });

  it('reads a file and reports an unreadable one with its path', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'inventory-'));
    try {
      const file = path.join(dir, 'inventory.json');
      writeFileSync(file, JSON.stringify(valid()));
      expect(loadInventory(file).environment).toBe('example');
      expect(() => loadInventory(path.join(dir, 'missing.json'))).toThrow(
        /missing\.json: 1 problem\n {2}no such file; on the monitoring VM it is \/etc\/bbb-autoscaler\/inventory\.json, elsewhere write it with npm run autoscaler:inventory -- <environment> <file>$/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes the IONOS token from IONOS_TOKEN only', () => {
    expect(ionosTokenFromEnv({ IONOS_TOKEN: ' abc ' })).toBe('abc');
    expect(() => ionosTokenFromEnv({})).toThrow(/IONOS_TOKEN: must be set/);
  });

  it('compares BBB URLs without case or trailing slashes', () => {
    expect(normalizeUrl('HTTPS://BBB-01.example.org/bigbluebutton/api//')).toBe('https://bbb-01.example.org/bigbluebutton/api');
  });
});
