import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { ConfigError, loadEnvironmentFile, parseEnvironment } from '../../config';
import { environmentFiles, loadEnvironments } from '../../stacks/environments';

const EXAMPLE = path.resolve(__dirname, '../../environments/example.yaml');
/**
 * The configuration contract as it was handed over (shared/examples/environment.example.yaml):
 * the project must accept it unchanged. It sets every key, `state` included, so the
 * tests below edit it.
 */
const CONTRACT = path.resolve(__dirname, 'environment.contract.yaml');
const SHARED_CONTRACT = path.resolve(__dirname, '../../../shared/examples/environment.example.yaml');
/** A directory that surely holds none of the files the tests name in it. */
const EMPTY_DIR = mkdtempSync(path.join(tmpdir(), 'config-load-'));
afterAll(() => rmSync(EMPTY_DIR, { recursive: true, force: true }));
const absent = (name: string) => path.join(EMPTY_DIR, name);
const escaped = (file: string) => file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const contractText = readFileSync(CONTRACT, 'utf8');
const contractDocument = () => yaml.load(contractText) as Record<string, any>;

/** Problems reported for the example with one edit applied. */
function problemsAfter(edit: (doc: Record<string, any>) => void): string[] {
  const doc = contractDocument();
  edit(doc);
  return problemsOf(yaml.dump(doc));
}

function problemsOf(text: string): string[] {
  try {
    parseEnvironment(text, 'test.yaml');
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('environment loader', () => {
  it('accepts the contract unchanged', () => {
    const config = loadEnvironmentFile(CONTRACT);
    expect(config.name).toBe('example');
    expect(config.state).toMatchObject({ backend: 's3', region: 'eu-central-3' });
    expect(config.bbb.pool).toEqual({ size: 20, minRunning: 4 });
    expect(config.autoscaler.schedule.rules[0].from).toBe('07:15');
  });

  it('keeps the committed contract the one handed over, where that is at hand', () => {
    if (!existsSync(SHARED_CONTRACT)) return;
    expect(readFileSync(CONTRACT, 'utf8')).toBe(readFileSync(SHARED_CONTRACT, 'utf8'));
  });

  it('ships the example as the contract without remote state, so a first diff needs no bucket', () => {
    const { state, ...rest } = loadEnvironmentFile(CONTRACT);
    expect(state).toBeDefined();
    expect(loadEnvironmentFile(EXAMPLE)).toEqual(rest);
  });

  it('names a missing file', () => {
    expect(() => loadEnvironmentFile(absent('env.yaml'))).toThrow(/env\.yaml: 1 problem\n\s+no such file$/);
  });

  it('names a directory given instead of a file', () => {
    expect(() => loadEnvironmentFile(path.dirname(EXAMPLE))).toThrow(/environments: 1 problem\n\s+is not a file/);
  });

  it("accepts Frankfurt's Object Storage region, plain de", () => {
    expect(problemsAfter((d) => Object.assign(d.state, { region: 'de', endpoint: 'https://s3.eu-central-1.ionoscloud.com' }))).toEqual([]);
  });

  it('accepts an Object Storage endpoint outside IONOS (a private one) for any region', () => {
    expect(problemsAfter((d) => (d.state.endpoint = 'https://objects.school.internal'))).toEqual([]);
  });

  it.each<[string, (doc: Record<string, any>) => void, string]>([
    ['unknown top-level key', (d) => (d.colour = 'blue'), 'colour: unknown key'],
    ['unknown nested key', (d) => (d.bbb.pool.maxServers = 30), 'bbb.pool.maxServers: unknown key; the keys here are size, minRunning'],
    ['wrong type', (d) => (d.bbb.cores = 'eight'), 'bbb.cores: must be a number, got "eight"'],
    ['boolean as string', (d) => (d.scalelite.greenlight = 'yes'), 'scalelite.greenlight: must be a boolean, got "yes"'],
    ['mapping instead of list', (d) => (d.sshKeys = { a: 1 }), 'sshKeys: must be a list, got a mapping'],
    ['missing section', (d) => delete d.monitoring, 'monitoring: is required (a mapping)'],
    ['list instead of mapping', (d) => (d.turn = ['servers: 1']), 'turn: must be a mapping, got a list'],
    ['missing number', (d) => delete d.bbb.pool.minRunning, 'bbb.pool.minRunning: is required (a number)'],
    ['missing choice', (d) => delete d.location, 'location: is required: one of "de/fra", "de/fkb"'],
    ['null section', (d) => (d.state = null), 'state: must be a mapping, got null'],
    ['below range', (d) => (d.scalelite.nodes = 0), 'scalelite.nodes: must be >= 1, got 0'],
    ['above range', (d) => (d.autoscaler.targetUtilization = 1.5), 'autoscaler.targetUtilization: must be <= 1, got 1.5'],
    ['not an integer', (d) => (d.bbb.ramGb = 16.5), 'bbb.ramGb: must be an integer, got 16.5'],
    ['minRunning above pool', (d) => (d.bbb.pool.minRunning = 25), 'bbb.pool.minRunning: must be <= bbb.pool.size (20), got 25'],
    ['schedule minRunning above pool', (d) => (d.autoscaler.schedule.rules[0].minRunning = 21), 'autoscaler.schedule.rules[0].minRunning: must be <= bbb.pool.size (20), got 21'],
    ['vertical.maxCores below bbb.cores', (d) => (d.autoscaler.vertical.maxCores = 4), 'autoscaler.vertical.maxCores: must be >= bbb.cores (8), got 4'],
    ['vertical.maxRamGb below bbb.ramGb', (d) => (d.autoscaler.vertical.maxRamGb = 8), 'autoscaler.vertical.maxRamGb: must be >= bbb.ramGb (16), got 8'],
    ['adminCidrs open to the world', (d) => (d.adminCidrs = ['0.0.0.0/0']), 'adminCidrs[0]: must not open the whole internet (0.0.0.0/0)'],
    ['adminCidrs IPv6 world', (d) => (d.adminCidrs = ['198.51.100.0/24', '::/0']), 'adminCidrs[1]: must not open the whole internet (::/0)'],
    ['adminCidrs IPv6 network', (d) => (d.adminCidrs = ['2001:db8::/32']), 'adminCidrs[0]: must be an IPv4 network'],
    ['adminCidrs wider than /8', (d) => (d.adminCidrs = ['0.0.0.0/1']), 'adminCidrs[0]: must be /8 or narrower, got "0.0.0.0/1"'],
    ['invalid CIDR', (d) => (d.adminCidrs = ['198.51.100.0/33']), 'adminCidrs[0]: must be a network in CIDR notation'],
    ['CIDR with host bits', (d) => (d.adminCidrs = ['198.51.100.7/24']), 'adminCidrs[0]: has host bits set'],
    ['address without prefix', (d) => (d.adminCidrs = ['198.51.100.7']), 'adminCidrs[0]: must be a network in CIDR notation'],
    ['unknown location', (d) => (d.location = 'de/muc'), 'location: must be one of "de/fra"'],
    ['invalid domain', (d) => (d.domain = 'bbb_example.org'), 'domain: must be a lower-case DNS name'],
    ['domain without TLD', (d) => (d.domain = 'localhost'), 'domain: must be a lower-case DNS name'],
    ['invalid acme e-mail', (d) => (d.acmeEmail = 'ops@'), 'acmeEmail: must be an e-mail address, got "ops@"'],
    ['invalid alert e-mail', (d) => (d.monitoring.alertEmail = 'ops.example.org'), 'monitoring.alertEmail: must be an e-mail address'],
    ['invalid time', (d) => (d.autoscaler.schedule.rules[0].from = '7:15'), 'autoscaler.schedule.rules[0].from: must be a time HH:MM'],
    ['hour out of range', (d) => (d.autoscaler.schedule.rules[0].to = '24:00'), 'autoscaler.schedule.rules[0].to: must be a time HH:MM'],
    ['window ends before it starts', (d) => (d.autoscaler.schedule.rules[0].to = '06:00'), 'autoscaler.schedule.rules[0].to: must be later than from (07:15), got "06:00"'],
    ['invalid weekday', (d) => (d.autoscaler.schedule.rules[0].days = ['mon', 'funday']), 'autoscaler.schedule.rules[0].days[1]: must be one of "mon"'],
    ['weekday twice', (d) => (d.autoscaler.schedule.rules[0].days = ['mon', 'mon']), 'autoscaler.schedule.rules[0].days: must not name a day twice'],
    ['invalid timezone', (d) => (d.autoscaler.schedule.timezone = 'Europe/Springfield'), 'autoscaler.schedule.timezone: must be an IANA time zone'],
    ['SSH key of unknown type', (d) => (d.sshKeys = ['ssh-dss AAAAB3NzaC1kc3MAAACBAP']), 'sshKeys[0]: must be an OpenSSH public key'],
    ['truncated SSH key', (d) => (d.sshKeys = ['ssh-ed25519 AAAAC3NzaC1lZDI1']), 'sshKeys[0]: key data does not match its type ssh-ed25519'],
    ['SSH key with mismatched type', (d) => (d.sshKeys = [`ssh-rsa ${d.sshKeys[0].split(' ')[1]}`]), 'sshKeys[0]: key data does not match its type ssh-rsa'],
    ['SSH key listed twice', (d) => (d.sshKeys = [d.sshKeys[0], d.sshKeys[0]]), 'sshKeys: must not list the same key twice'],
    ['bad name', (d) => (d.name = 'Example_1'), 'name: must match [a-z][a-z0-9-]{1,20}'],
    ['bad state endpoint', (d) => (d.state.endpoint = 'http://s3.example.org'), 'state.endpoint: must be an https:// URL'],
    ['unknown state region', (d) => (d.state.region = 'eu-central-1'), 'state.region: must be one of "de", "eu-central-2", "eu-central-3", "eu-south-2", got "eu-central-1"'],
    ['another region\u2019s endpoint', (d) => (d.state.region = 'eu-south-2'), 'state.endpoint: must be https://s3.eu-south-2.ionoscloud.com for region eu-south-2, got "https://s3.eu-central-3.ionoscloud.com"'],
    ['misspelt key', (d) => (d.bbb.pool = { szie: 20, minRunning: 4 }), 'bbb.pool.szie: unknown key; did you mean size?'],
    ['misspelt top-level key', (d) => (d.monitorin = d.monitoring), 'monitorin: unknown key; did you mean monitoring?'],
    ['unsupported BBB version', (d) => (d.bbb.version = '2.7'), 'bbb.version: must be one of "3.0", got "2.7"'],
  ])('rejects %s with the key path', (_, edit, expected) => {
    const problems = problemsAfter(edit);
    expect(problems).toEqual(expect.arrayContaining([expect.stringContaining(expected)]));
  });

  it.each(['Europe/Berlin', 'America/Argentina/Buenos_Aires', 'UTC', 'Etc/UTC', 'US/Eastern'])(
    'accepts the time zone %s, canonical or alias',
    (timezone) => {
      expect(problemsAfter((d) => (d.autoscaler.schedule.timezone = timezone))).toEqual([]);
    },
  );

  it('reports every problem of a file together', () => {
    const problems = problemsAfter((d) => {
      d.bbb.pool.minRunning = 25;
      d.location = 'mars/base';
      d.adminCidrs = ['0.0.0.0/0'];
      d.turn.servers = -1;
    });
    expect(problems).toHaveLength(4);
    // In the order of the file, each with where it stands.
    expect(problems).toEqual([
      expect.stringMatching(/^line 2, column 1: location: /),
      expect.stringMatching(/^line 11, column 5: adminCidrs\[0\]: /),
      'line 27, column 5: bbb.pool.minRunning: must be <= bbb.pool.size (20), got 25',
      'line 32, column 3: turn.servers: must be >= 0, got -1',
    ]);
  });

  it('reports YAML syntax errors with their line', () => {
    expect(problemsOf('name: example\nbbb: [1, 2\nturn: {}\n')).toEqual([expect.stringMatching(/^line \d+, column \d+: YAML syntax error: /)]);
    // yaml finds the unclosed list where the text ends.
    expect(problemsOf('name: example\nbbb:\n  pool: [1\n')).toEqual([expect.stringMatching(/^line 4, column 1: YAML syntax error: Flow sequence/)]);
  });

  it('rejects duplicate keys with their line', () => {
    const text = contractText.replace('location: de/fra', 'location: de/fra\nlocation: de/txl');
    const duplicateLine = text.split('\n').findIndex((line) => line.startsWith('location: de/txl')) + 1;
    expect(problemsOf(text)).toEqual([`line ${duplicateLine}, column 1: location: duplicated key; the first location is on line ${duplicateLine - 1}`]);
    const nested = contractText.replace('    size: 20', '    size: 20\n    size: 30');
    const nestedLine = nested.split('\n').findIndex((line) => line.startsWith('    size: 30')) + 1;
    expect(problemsOf(nested)).toEqual([`line ${nestedLine}, column 5: bbb.pool.size: duplicated key; the first size is on line ${nestedLine - 1}`]);
  });

  it.each([
    ['an empty file', ''],
    ['only comments', '# nothing here\n'],
  ])('rejects %s', (_, text) => {
    expect(problemsOf(text)).toEqual(['file is empty: expected a mapping of settings (see environments/example.yaml)']);
  });

  it.each([
    ['a list', '- name: example\n', 'document is a list'],
    ['a scalar', 'just text\n', 'document is a string'],
    ['a number', '42\n', 'document is a number'],
  ])('rejects a document that is %s', (_, text, expected) => {
    expect(problemsOf(text)).toEqual([expect.stringContaining(expected)]);
  });

  it('fails fast on an alias bomb with bounded memory', () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 12; i++) {
      const previous = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(',')}]`);
    }
    const bomb = `${levels.join('\n')}\nname: *l\n`;
    const heapBefore = process.memoryUsage().heapUsed;
    const started = Date.now();
    expect(problemsOf(bomb)).toEqual(['document expands too far through its aliases (nested too deep); refusing to read it']);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(200 * 1024 * 1024);
  });

  it('does not resolve non-JSON YAML types (safe core schema)', () => {
    const problems = problemsOf(contractText.replace('name: example', 'name: !!js/function "function () {}"'));
    expect(problems).toEqual([expect.stringMatching(/^line 5, column 7: YAML syntax error: Unresolved tag: tag:yaml.org,2002:js\/function$/)]);
  });

  it('points every problem at its line and column, a missing key at its mapping', () => {
    const text = contractText.replace('    minRunning: 4 ', '    minRunnin: 4  ').replace('  cores: 8\n', '  cores: eight\n');
    const lineOf = (start: string) => text.split('\n').findIndex((line) => line.startsWith(start)) + 1;
    expect(problemsOf(text)).toEqual([
      `line ${lineOf('  pool:')}, column 3: bbb.pool.minRunning: is required (a number)`,
      `line ${lineOf('    minRunnin:')}, column 5: bbb.pool.minRunnin: unknown key; did you mean minRunning?`,
      `line ${lineOf('  cores: eight')}, column 3: bbb.cores: must be a number, got "eight"`,
    ]);
  });

  it.each([
    ['version: 3.0', '  version: "3.0"', '  version: 3.0', 'bbb.version: must be one of "3.0", got 3; write it in quotes ("3.0"), unquoted YAML reads it as a number'],
    ['a numeric bucket name', '  bucket: bbb-example-tfstate', '  bucket: 20240101', 'state.bucket: must be a string, got 20240101; write it in quotes ("20240101"), unquoted YAML reads it as a number'],
    ['a name that YAML reads as a boolean', 'name: example', 'name: true', 'name: must be a string, got true; write it in quotes ("true"), unquoted YAML reads it as a boolean'],
  ])('says to quote %s', (_, from, to, expected) => {
    expect(contractText).toContain(from);
    expect(problemsOf(contractText.replace(from, to))).toEqual([expect.stringMatching(new RegExp(`^line \\d+, column \\d+: ${escaped(expected)}$`))]);
  });

  it('reads unquoted times as text, not sexagesimal numbers', () => {
    const config = parseEnvironment(contractText.replace('from: "07:15"', 'from: 07:15'), 'test.yaml');
    expect(config.autoscaler.schedule.rules[0].from).toBe('07:15');
  });
});

describe('loading several environment files', () => {
  const [missing, alsoMissing] = [absent('a.yaml'), absent('b.yaml')];

  it('reports one bad file as that file, its problems once', () => {
    expect(() => loadEnvironments([missing, EXAMPLE])).toThrow(new RegExp(`^${escaped(missing)}: 1 problem\n  no such file$`));
  });

  it('nests the problems of several bad files under each file', () => {
    expect(() => loadEnvironments([missing, alsoMissing])).toThrow(
      new RegExp(
        `^environments: 2 problems\n  ${escaped(missing)}: 1 problem\n    no such file\n  ${escaped(alsoMissing)}: 1 problem\n    no such file$`,
      ),
    );
  });

  /** The contract with some lines replaced, written to the scratch directory. */
  function variant(name: string, replacements: [string, string][]): string {
    const file = absent(name);
    writeFileSync(file, replacements.reduce((text, [from, to]) => text.replace(from, to), contractText));
    return file;
  }

  it('names two files that use the same environment name, and the state they would share', () => {
    const other = variant('same-name.yaml', [['domain: bbb.example.org', 'domain: other.example.org']]);
    expect(() => loadEnvironments([CONTRACT, other])).toThrow(
      `${other}: line 5, column 1: name: "example" is already used by ${CONTRACT}: the stacks example-network ... would be built twice and both would keep their state in bucket bbb-example-tfstate under example/`,
    );
  });

  it('names two files that would create the same DNS zone', () => {
    const other = variant('same-domain.yaml', [['name: example', 'name: other']]);
    expect(() => loadEnvironments([CONTRACT, other])).toThrow(
      `${other}: line 7, column 1: domain: "bbb.example.org" is already used by ${CONTRACT}: both would create that DNS zone`,
    );
  });

  it('accepts files that share neither name nor domain, one bucket included', () => {
    const other = variant('distinct.yaml', [['name: example', 'name: other'], ['domain: bbb.example.org', 'domain: other.example.org']]);
    expect(loadEnvironments([CONTRACT, other]).map((config) => config.name)).toEqual(['example', 'other']);
  });
});

describe('ENVIRONMENTS', () => {
  const saved = process.env.ENVIRONMENTS;
  afterEach(() => (saved === undefined ? delete process.env.ENVIRONMENTS : (process.env.ENVIRONMENTS = saved)));

  it('takes paths, and says so when a name is none', () => {
    process.env.ENVIRONMENTS = `${EXAMPLE},school`;
    expect(() => environmentFiles()).toThrow(
      new RegExp(`^ENVIRONMENTS: 1 problem\n  "school" is no file: ENVIRONMENTS takes paths separated by commas, such as .*environments/example\.yaml \\(environments/ holds .*environments/example\.yaml\\)$`),
    );
  });

  it('defaults to every file in environments/', () => {
    process.env.ENVIRONMENTS = ' ';
    expect(environmentFiles()).toEqual([EXAMPLE]);
  });
});
