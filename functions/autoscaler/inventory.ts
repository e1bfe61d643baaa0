/**
 * The autoscaler's inventory: the JSON file the BBB pool construct writes at synth
 * (default /etc/bbb-autoscaler/inventory.json). It names the pool, where the outside
 * systems are and the policy settings. The IONOS token is never in it (env IONOS_TOKEN).
 */
import { readFileSync } from 'node:fs';
import * as v from 'valibot';
import { formatProblem, issueProblem, type Problem } from '../../config/issues';
import { environmentSchema, url } from '../../config/schema';

export const DEFAULT_INVENTORY_PATH = '/etc/bbb-autoscaler/inventory.json';

const httpUrl = url(['http', 'https'], 'must be an http(s):// URL');
const positiveInt = v.pipe(v.number(), v.integer(), v.minValue(1));
const nonEmpty = v.pipe(v.string(), v.minLength(1));
const secret = (message: string) => v.pipe(v.string(), v.check((text) => text.length >= 8, message));

const integer = (min: number, max: number) => v.pipe(v.number(), v.integer(), v.minValue(min), v.maxValue(max));
const localTime = v.pipe(v.string(), v.regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time HH:MM'));
const autoscalerEntries = environmentSchema.entries.autoscaler.entries;

/** The maintenance cycle (policy/types.ts MaintenanceSettings); an inventory from before it has none. */
const maintenanceSchema = v.strictObject({
  enabled: v.boolean(),
  window: v.strictObject({ from: localTime, to: localTime, timezone: autoscalerEntries.schedule.entries.timezone }),
  everyDays: integer(1, 7),
  maxParallel: integer(1, 50),
  serverMinutes: integer(10, 240),
  /** The Debian version of `bigbluebutton` the pinned release installs (deb-version(7)). */
  bbbVersion: v.optional(v.pipe(v.string(), v.regex(/^([0-9]+:)?[0-9][A-Za-z0-9.+~-]*$/, 'must be a Debian package version such as 1:3.0.14-1'))),
});

const serverSchema = v.strictObject({
  name: v.pipe(v.string(), v.regex(/^[a-z][a-z0-9-]{1,62}$/, 'must be an IONOS server name such as example-bbb-01')),
  ionosServerId: nonEmpty,
  hostname: nonEmpty,
  /** Where the autoscaler reaches the server's platform agent (the power-off channel). */
  privateIp: v.pipe(v.string(), v.ipv4('must be the server\'s private IPv4 address')),
  bbbApiUrl: httpUrl,
  bbbSecret: secret('must be the BBB shared secret (at least 8 characters)'),
  baseCores: positiveInt,
  baseRamGb: positiveInt,
});

export const inventorySchema = v.strictObject({
  environment: nonEmpty,
  datacenterId: nonEmpty,
  prometheusUrl: httpUrl,
  /** Only for tests and other API endpoints; the default is the public IONOS Cloud API v6. */
  ionosApiUrl: v.optional(httpUrl),
  scalelite: v.strictObject({
    apiUrl: httpUrl,
    secret: secret('must be the LOADBALANCER_SECRET (at least 8 characters)'),
  }),
  /** The store acting autoscalers share (lease, power-off records): the platform's Redis. */
  coordination: v.strictObject({
    redis: v.strictObject({
      host: nonEmpty,
      port: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(65535)),
      username: v.optional(nonEmpty),
      password: v.optional(nonEmpty),
    }),
  }),
  policy: v.strictObject({
    poolSize: positiveInt,
    minRunning: v.pipe(v.number(), v.integer(), v.minValue(0)),
    baseCores: positiveInt,
    baseRamGb: positiveInt,
    autoscaler: environmentSchema.entries.autoscaler,
    maintenance: v.optional(maintenanceSchema),
  }),
  servers: v.pipe(
    v.array(serverSchema),
    v.check((servers) => servers.length >= 1, 'must list at least one BBB server'),
  ),
});

export type Inventory = v.InferOutput<typeof inventorySchema>;
export type InventoryServer = Inventory['servers'][number];

/** Rules between keys, checked once the shape is right. */
function relationProblems({ policy, servers }: Inventory): Problem[] {
  const problems: Problem[] = [];
  if (policy.minRunning > policy.poolSize) {
    problems.push({ path: ['policy', 'minRunning'], message: `must be <= policy.poolSize (${policy.poolSize}), got ${policy.minRunning}` });
  }
  if (servers.length > policy.poolSize) {
    problems.push({ path: ['servers'], message: `lists ${servers.length} servers but policy.poolSize is ${policy.poolSize}` });
  }
  const seen = { name: new Map<string, number>(), ionosServerId: new Map<string, number>(), privateIp: new Map<string, number>(), bbbApiUrl: new Map<string, number>() };
  servers.forEach((server, index) => {
    for (const key of ['name', 'ionosServerId', 'privateIp', 'bbbApiUrl'] as const) {
      const value = key === 'bbbApiUrl' ? normalizeUrl(server[key]) : server[key];
      const first = seen[key].get(value);
      if (first !== undefined) {
        problems.push({ path: ['servers', index, key], message: `duplicates servers[${first}].${key} (${server[key]})` });
      } else {
        seen[key].set(value, index);
      }
    }
  });
  return problems;
}

/** Every problem of an inventory document, each as `key.path: reason`; none when it is valid. */
export function inventoryProblems(document: unknown): string[] {
  return checkInventory(document).problems;
}

function checkInventory(document: unknown): { inventory?: Inventory; problems: string[] } {
  const parsed = v.safeParse(inventorySchema, document);
  const problems = parsed.success ? relationProblems(parsed.output) : parsed.issues.map((issue) => issueProblem(inventorySchema, issue));
  return {
    inventory: parsed.success ? parsed.output : undefined,
    problems: [...new Set(problems.map((problem) => formatProblem(problem, '(root)')))],
  };
}

/** URLs name the same BBB server regardless of case and trailing slashes. */
export function normalizeUrl(url: string): string {
  return url.trim().toLowerCase().replace(/\/+$/, '');
}

export class InventoryError extends Error {
  override readonly name = 'InventoryError';
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`${source}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
}

export function parseInventory(text: string, source = '<inventory>'): Inventory {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new InventoryError(source, [`not valid JSON: ${(error as Error).message}`]);
  }
  const { inventory, problems } = checkInventory(document);
  if (!inventory || problems.length > 0) throw new InventoryError(source, problems);
  return inventory;
}

export function loadInventory(path: string): Inventory {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? `no such file; on the monitoring VM it is ${DEFAULT_INVENTORY_PATH}, elsewhere write it with npm run autoscaler:inventory -- <environment> <file>`
        : `cannot read file: ${code ?? String(error)}`;
    throw new InventoryError(path, [reason]);
  }
  return parseInventory(text, path);
}

/** The IONOS API token from the environment; the one credential not in the inventory. */
export function ionosTokenFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  const token = env.IONOS_TOKEN?.trim();
  if (!token) throw new InventoryError('environment', ['IONOS_TOKEN: must be set to an IONOS Cloud API token']);
  return token;
}
