import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { TerraformStack, Testing } from 'cdktf';
import { Network } from '../../constructs/network';
import { TURN_PORT, TURN_RELAY_PORTS, TURN_TLS_PORT, TurnServers } from '../../constructs/turn';
import { EXAMPLE_FILE, exampleConfig, exampleWith } from '../../testing/synth';
import { resources, synthBbb, type Json } from '../bbb-pool/synth-bbb';
import { decodeUserData, standInValues, userDataOf } from '../../testing/user-data';
import { describeWithTool, run } from '../support/tools';
import { cloudInitSchema } from '../support/validators';
import { parseUnit, verifyUnits } from '../bbb-pool/systemd-units';

const config = exampleConfig();
const { bbb } = synthBbb(config);
const servers = resources(bbb, 'ionoscloud_server').map(([, body]) => body);
const turnServers = servers.filter((body) => body.label[0].value === 'turn');
const turn = turnServers[0];
const cloudConfig = decodeUserData(userDataOf(turn), standInValues);
const document = yaml.load(cloudConfig.replace(/^#cloud-config\n/, '')) as Record<string, any>;
const file = (filePath: string) => {
  const found = (document.write_files as Json[]).find((entry) => entry.path === filePath);
  if (!found) throw new Error(`no file ${filePath} in cloud-config`);
  return found;
};
const turnserverConf = file('/etc/coturn/turnserver.conf').content as string;
const confLines = turnserverConf.split('\n').filter((line) => line && !line.startsWith('#'));

describe('TURN servers', () => {
  it('provisions turn.servers servers named <env>-turn-NN', () => {
    expect(turnServers.map((body) => body.name)).toEqual(['example-turn-01']);
    expect(turn).toMatchObject({ type: 'ENTERPRISE', cores: 2, ram: 4096, image_name: 'ubuntu:22.04' });
  });

  it('uses the reserved address turn-01 and a private NIC at the address plan position', () => {
    expect(turn.nic.ips[0]).toMatch(/cross-stack-output-ionoscloud_ipblockNetwork_Turn1Ip_[0-9A-F]+ips, 0\)\}$/);
    const nics = resources(bbb, 'ionoscloud_nic').map(([, body]) => body.ips[0]);
    expect(nics).toContain('10.20.2.1');
  });
});

describe('TURN firewall', () => {
  const rules = turn.nic.firewall as Json[];
  const summary = rules.map((rule) => [rule.protocol, rule.port_range_start, rule.port_range_end, rule.source_ip ?? 'any']);

  it('opens TURN on 3478, TLS on 443, the relay range and HTTP for Let\u2019s Encrypt, with SSH from admins only', () => {
    expect(turn.nic.firewall_active).toBe(true);
    expect(summary).toEqual([
      ['TCP', 80, 80, 'any'],
      ['TCP', 443, 443, 'any'],
      ['TCP', 3478, 3478, 'any'],
      ['UDP', 3478, 3478, 'any'],
      ['UDP', 32769, 65534, 'any'],
      ['TCP', 22, 22, '198.51.100.0/24'],
    ]);
  });

  it('is what the example environment says of it', () => {
    const example = readFileSync(EXAMPLE_FILE, 'utf8');
    const comment = /^ {2}servers: \d+ +# (.*)$/m.exec(example.slice(example.indexOf('\nturn:')))?.[1];
    expect(comment).toContain(`coturn on TCP/UDP ${TURN_PORT} and TLS (TCP) ${TURN_TLS_PORT}`);
  });

  it('matches coturn\u2019s relay port range', () => {
    expect(confLines).toContain(`min-port=${TURN_RELAY_PORTS[0]}`);
    expect(confLines).toContain(`max-port=${TURN_RELAY_PORTS[1]}`);
  });
});

describe('coturn configuration', () => {
  it('listens on 3478 and with TLS on 443 using the Let\u2019s Encrypt certificate', () => {
    expect(confLines).toEqual(
      expect.arrayContaining([
        'listening-port=3478',
        'tls-listening-port=443',
        'cert=/etc/coturn/certs/fullchain.pem',
        'pkey=/etc/coturn/certs/privkey.pem',
        'listening-ip=203.0.113.10',
        'relay-ip=203.0.113.10',
        'server-name=turn-01.bbb.example.org',
        'realm=bbb.example.org',
      ]),
    );
  });

  it('authenticates with the shared secret BBB servers also receive', () => {
    expect(confLines).toContain('use-auth-secret');
    const secretLine = confLines.find((line) => line.startsWith('static-auth-secret='))!;
    expect(secretLine).toMatch(/^static-auth-secret=secretTurnSecret[0-9A-F]+$/);
    const bbbUserData = servers.filter((body) => body.label[0].value === 'bbb').map(userDataOf);
    const reference = /random_password\.Turn_Secret_[0-9A-F]+\.result/;
    expect(userDataOf(turn)).toMatch(reference);
    expect(bbbUserData.every((userData) => reference.test(userData))).toBe(true);
    const passwords = resources(bbb, 'random_password').filter(([id]) => id.startsWith('Turn_'));
    expect(passwords.map(([, body]) => body)).toEqual([expect.objectContaining({ length: 48, special: false })]);
  });

  it('is not an open relay: private, loopback, link-local and reserved peers are denied', () => {
    const denied = confLines.filter((line) => line.startsWith('denied-peer-ip=')).map((line) => line.slice('denied-peer-ip='.length));
    expect(denied).toEqual(
      expect.arrayContaining([
        '10.0.0.0-10.255.255.255',
        '172.16.0.0-172.31.255.255',
        '192.168.0.0-192.168.255.255',
        '127.0.0.0-127.255.255.255',
        '169.254.0.0-169.254.255.255',
        '100.64.0.0-100.127.255.255',
        '0.0.0.0-0.255.255.255',
        '::1',
        'fc00::-fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
        'fe80::-febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
      ]),
    );
    expect(confLines).toContain('no-multicast-peers');
    expect(confLines.filter((line) => line.startsWith('allowed-peer-ip'))).toEqual([]);
  });

  it('keeps the secret readable only by root and coturn\u2019s group', () => {
    expect(file('/etc/coturn/turnserver.conf')).toMatchObject({ permissions: '0640', owner: 'root:nogroup' });
  });

  it('runs coturn from a pinned image under a systemd unit certbot reloads', () => {
    const compose = yaml.load(file('/etc/coturn/compose.yml').content) as Json;
    expect(compose.services.coturn.image).toMatch(/^coturn\/coturn:\d+\.\d+\.\d+$/);
    expect(compose.services.coturn.network_mode).toBe('host');
    expect(compose.services['node-exporter'].image).toMatch(/^quay\.io\/prometheus\/node-exporter:v\d+\.\d+\.\d+$/);
    expect(file('/etc/letsencrypt/renewal-hooks/deploy/reload-coturn.sh').content).toContain('systemctl reload-or-restart coturn');
    expect(file('/etc/letsencrypt/renewal-hooks/deploy/00-coturn-certificate.sh').content).toContain(
      "readonly LINEAGE='/etc/letsencrypt/live/turn-01.bbb.example.org'",
    );
    expect(document.runcmd.at(-1)).toEqual(['systemctl', 'enable', '--now', 'coturn.service']);
  });

  it('starts coturn only once the first certificate is in place, so its TLS listener exists from the start', () => {
    const unit = parseUnit(file('/etc/systemd/system/coturn.service').content);
    const hook = file('/etc/letsencrypt/renewal-hooks/deploy/00-coturn-certificate.sh').content as string;
    const target = /^readonly TARGET=(\S+)$/m.exec(hook)![1];
    expect(unit.Unit.ConditionPathExists).toEqual([`${target}/fullchain.pem`]);
    expect(hook).toContain('"${TARGET}/fullchain.pem"');
    // The first issuance runs the deploy hooks in glob order: copy first, then reload-or-restart starts coturn.
    const hooks = (document.write_files as Json[]).map((entry) => entry.path as string).filter((p) => p.startsWith('/etc/letsencrypt/renewal-hooks/deploy/'));
    expect([...hooks].sort()).toEqual(['/etc/letsencrypt/renewal-hooks/deploy/00-coturn-certificate.sh', '/etc/letsencrypt/renewal-hooks/deploy/reload-coturn.sh']);
    expect(document.runcmd).toContainEqual(['systemctl', 'start', '--no-block', 'issue-certificate.service']);
  });

  it('reloads a renewed certificate with SIGUSR2, so relayed calls keep running', () => {
    const unit = parseUnit(file('/etc/systemd/system/coturn.service').content);
    expect(unit.Service.ExecReload).toEqual(['/usr/bin/docker compose -p coturn -f /etc/coturn/compose.yml kill -s SIGUSR2 coturn']);
  });
});

describe('without TURN servers', () => {
  const { bbb: bare } = synthBbb(exampleWith({ turn: { servers: 0 } }));
  const bareServers = resources(bare, 'ionoscloud_server').map(([, body]) => body);

  it('creates no TURN server and no TURN secret', () => {
    expect(bareServers.filter((body) => body.label[0].value === 'turn')).toEqual([]);
    expect(resources(bare, 'random_password').filter(([id]) => id.startsWith('Turn_'))).toEqual([]);
  });

  it('opens BBB\u2019s built-in TURN port on the pool instead', () => {
    const rules = bareServers[0].nic.firewall as Json[];
    const turnRules = rules.filter((rule) => rule.port_range_start === 3478);
    expect(turnRules.map((rule) => rule.protocol).sort()).toEqual(['TCP', 'UDP']);
    const decoded = decodeUserData(userDataOf(bareServers[0]), standInValues);
    expect(decoded).toMatch(/TURN_HOSTNAME=\n/);
  });
});

describe('with two TURN servers', () => {
  const { bbb: pair } = synthBbb(exampleWith({ turn: { servers: 2 } }));
  const pairServers = resources(pair, 'ionoscloud_server').map(([, body]) => body);

  it('offers both to clients from every BBB server', () => {
    expect(pairServers.filter((body) => body.label[0].value === 'turn').map((body) => body.name)).toEqual(['example-turn-01', 'example-turn-02']);
    const bbbServer = pairServers.find((body) => body.name === 'example-bbb-01')!;
    const decoded = decodeUserData(userDataOf(bbbServer), standInValues);
    for (const host of ['turn-01', 'turn-02']) {
      expect(decoded).toContain(`turn:${host}.bbb.example.org:3478`);
      expect(decoded).toContain(`turns:${host}.bbb.example.org:443?transport=tcp`);
    }
  });
});

describe('TurnServers input errors', () => {
  it('rejects a network built for another number of TURN servers', () => {
    const scope = new TerraformStack(Testing.app(), 'test');
    const network = new Network(scope, 'Network', { config: exampleWith({ turn: { servers: 2 } }) });
    expect(() => new TurnServers(scope, 'Turn', { config, network })).toThrow(
      'TurnServers: turn.servers is 1 but the network reserved 2 TURN address(es); build both from the same config',
    );
  });
});

describeWithTool('cloud-init', 'TURN cloud-config schema', () => {
  it('passes cloud-init schema validation', () => {
    const result = cloudInitSchema(cloudConfig);
    expect(`${result.stdout}${result.stderr}`).toMatch(/^Valid (cloud-config|schema)/m);
    expect(result.status).toBe(0);
  });
});

describeWithTool('systemd-analyze', 'coturn and certificate units', () => {
  it('passes systemd-analyze verify', () => {
    const units = ['coturn.service', 'issue-certificate.service'];
    expect(verifyUnits(Object.fromEntries(units.map((name) => [name, file(`/etc/systemd/system/${name}`).content])))).toEqual([]);
  });
});

describeWithTool('shellcheck', 'TURN certificate hook', () => {
  it('is shellcheck-clean as delivered', () => {
    const hook = file('/etc/letsencrypt/renewal-hooks/deploy/00-coturn-certificate.sh').content;
    const result = run('shellcheck', ['-s', 'bash', '-'], { input: hook });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});

describeWithTool('docker-compose', 'TURN compose file', () => {
  it('is a valid Compose file', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'turn-compose-'));
    try {
      writeFileSync(path.join(dir, 'compose.yml'), file('/etc/coturn/compose.yml').content);
      const result = run('docker-compose', ['-f', path.join(dir, 'compose.yml'), 'config', '-q'], { cwd: dir });
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
