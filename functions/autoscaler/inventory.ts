/**
 * The autoscaler's inventory: the JSON file the BBB pool construct writes at synth
 * (default /etc/bbb-autoscaler/inventory.json). It names the pool, where the outside
 * systems are and the policy settings. The IONOS token is never in it (env IONOS_TOKEN).
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { environmentSchema } from '../../config/schema';

export const DEFAULT_INVENTORY_PATH = '/etc/bbb-autoscaler/inventory.json';

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s):// URL' });
const positiveInt = z.number().int().min(1);

const serverSchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9-]{1,62}$/, 'must be an IONOS server name such as example-bbb-01'),
  ionosServerId: z.string().min(1),
  hostname: z.string().min(1),
  bbbApiUrl: httpUrl,
  bbbSecret: z.string().min(8, 'must be the BBB shared secret (at least 8 characters)'),
  baseCores: positiveInt,
  baseRamGb: positiveInt,
});

export const inventorySchema = z
  .strictObject({
    environment: z.string().min(1),
    datacenterId: z.string().min(1),
    prometheusUrl: httpUrl,
    /** Only for tests and other API endpoints; the default is the public IONOS Cloud API v6. */
    ionosApiUrl: httpUrl.optional(),
    scalelite: z.strictObject({
      apiUrl: httpUrl,
      secret: z.string().min(8, 'must be the LOADBALANCER_SECRET (at least 8 characters)'),
    }),
    policy: z.strictObject({
      poolSize: positiveInt,
      minRunning: z.number().int().min(0),
      baseCores: positiveInt,
      baseRamGb: positiveInt,
      autoscaler: environmentSchema.shape.autoscaler,
    }),
    servers: z.array(serverSchema).min(1, 'must list at least one BBB server'),
  })
  .superRefine((inventory, ctx) => {
    const { policy, servers } = inventory;
    if (policy.minRunning > policy.poolSize) {
      ctx.addIssue({ code: 'custom', path: ['policy', 'minRunning'], message: `must be <= policy.poolSize (${policy.poolSize}), got ${policy.minRunning}` });
    }
    if (servers.length > policy.poolSize) {
      ctx.addIssue({ code: 'custom', path: ['servers'], message: `lists ${servers.length} servers but policy.poolSize is ${policy.poolSize}` });
    }
    const seen = { name: new Map<string, number>(), ionosServerId: new Map<string, number>(), bbbApiUrl: new Map<string, number>() };
    servers.forEach((server, index) => {
      for (const key of ['name', 'ionosServerId', 'bbbApiUrl'] as const) {
        const value = key === 'bbbApiUrl' ? normalizeUrl(server[key]) : server[key];
        const first = seen[key].get(value);
        if (first !== undefined) {
          ctx.addIssue({ code: 'custom', path: ['servers', index, key], message: `duplicates servers[${first}].${key} (${server[key]})` });
        } else {
          seen[key].set(value, index);
        }
      }
    });
  });

export type Inventory = z.infer<typeof inventorySchema>;
export type InventoryServer = Inventory['servers'][number];

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
  const parsed = inventorySchema.safeParse(document);
  if (!parsed.success) {
    throw new InventoryError(
      source,
      parsed.error.issues.map((issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`),
    );
  }
  return parsed.data;
}

export function loadInventory(path: string): Inventory {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new InventoryError(path, [`cannot read file: ${(error as NodeJS.ErrnoException).code ?? String(error)}`]);
  }
  return parseInventory(text, path);
}

/** The IONOS API token from the environment; the one credential not in the inventory. */
export function ionosTokenFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  const token = env.IONOS_TOKEN?.trim();
  if (!token) throw new InventoryError('environment', ['IONOS_TOKEN: must be set to an IONOS Cloud API token']);
  return token;
}
