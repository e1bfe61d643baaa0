/**
 * The scale the platform was built for: a state-wide pool of 200 BBB servers
 * ("100 new servers in a few hours"), from the example environment with a bigger pool.
 */
import { exampleWith } from '../../testing/synth';
import { resources, synthBbb, type Json } from './synth-bbb';

const POOL_SIZE = 200;
const config = exampleWith({ bbb: { pool: { size: POOL_SIZE, minRunning: 20 } } });
const started = Date.now();
const { stack, bbb, network } = synthBbb(config);
const synthSeconds = (Date.now() - started) / 1000;
const pool = resources(bbb, 'ionoscloud_server')
  .map(([, body]) => body)
  .filter((body) => body.label[0].value === 'bbb');

describe('a 200-server pool', () => {
  it('synthesizes every server, numbering past 99 without renaming the first 99', () => {
    expect(pool).toHaveLength(POOL_SIZE);
    const names = pool.map((body: Json) => body.name as string);
    expect(new Set(names).size).toBe(POOL_SIZE);
    expect(names).toContain('example-bbb-01');
    expect(names).toContain('example-bbb-99');
    expect(names).toContain('example-bbb-100');
    expect(names).toContain('example-bbb-200');
    expect(names.every((name) => /^example-bbb-(\d{2}|[1-9]\d{2})$/.test(name))).toBe(true);
  });

  it('matches every server with its own DNS name and private address', () => {
    const records = resources(network, 'ionoscloud_dns_record').map(([, body]) => body.name as string);
    expect(records.filter((name) => name.startsWith('bbb-'))).toHaveLength(POOL_SIZE);
    expect(records).toContain('bbb-200');
    const privateIps = resources(bbb, 'ionoscloud_nic').map(([, body]) => body.ips[0] as string);
    expect(new Set(privateIps).size).toBe(privateIps.length);
    expect(privateIps).toContain('10.20.10.200');
  });

  it('lists all of them in the inventory and the resize step', () => {
    expect(stack.pool.inventory.servers).toHaveLength(POOL_SIZE);
    expect(stack.pool.inventory.policy.poolSize).toBe(POOL_SIZE);
    expect(stack.pool.inventory.servers[199].hostname).toBe('bbb-200.bbb.example.org');
  });

  it('synthesizes in reasonable time', () => {
    expect(synthSeconds).toBeLessThan(60);
  });
});
