/**
 * The coordination store in Redis (ioredis): the platform's managed Redis on the private
 * LAN, which Scalelite needs anyway (no meeting starts while it is down). Each operation
 * that must be atomic is one Lua script, which Redis runs without interleaving: the lease
 * is a key set only if absent (with a time to live, `PX`, kept by Redis' own clock), its
 * fencing token comes from a counter that only grows, and power-off records are written
 * only while the given token holds the lease. Keys share one hash tag, so a cluster keeps
 * them on one node.
 */
import Redis from 'ioredis';
import type { Acquired, CoordinationStore } from '../coordination';
import { NetworkError, TimeoutError } from '../errors';

/** Redis' TIME in milliseconds. */
const NOW = `local t = redis.call('TIME') local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;
/** The token of the lease value `<token> <holder>`, or nil. */
const HOLDER_TOKEN = `local current = redis.call('GET', KEYS[1]) local held = current and string.match(current, '^(%d+) ')`;

const SCRIPTS = {
  /** KEYS: lease, fence. ARGV: holder, ttl ms. -> {1, token} or {0, holder, remaining ms} */
  acquire: `${HOLDER_TOKEN}
if current then return {0, string.sub(current, string.len(held) + 2), redis.call('PTTL', KEYS[1])} end
local token = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], token .. ' ' .. ARGV[1], 'PX', ARGV[2])
return {1, token}`,
  /** KEYS: lease. ARGV: token, ttl ms. -> 1 or 0 */
  renew: `${HOLDER_TOKEN}
if held ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1`,
  /** KEYS: lease. ARGV: token. */
  release: `${HOLDER_TOKEN}
if held == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1`,
  /** KEYS: lease. -> {holder, remaining ms} or {} */
  holder: `local current = redis.call('GET', KEYS[1])
if not current then return {} end
return {string.gsub(current, '^%d+ ', ''), redis.call('PTTL', KEYS[1])}`,
  /** -> now ms */
  time: `${NOW} return now`,
  /** KEYS: records. -> {now ms, name, ms, name, ms, ...} */
  powerOffs: `${NOW}
local result = {now}
for _, value in ipairs(redis.call('HGETALL', KEYS[1])) do table.insert(result, value) end
return result`,
  /** KEYS: lease, records. ARGV: token, server. -> 1 or 0 */
  recordPowerOff: `${HOLDER_TOKEN}
if held ~= ARGV[1] then return 0 end
${NOW}
redis.call('HSET', KEYS[2], ARGV[2], now)
return 1`,
  /** KEYS: lease, records. ARGV: token, server. -> 1 or 0 */
  clearPowerOff: `${HOLDER_TOKEN}
if held ~= ARGV[1] then return 0 end
redis.call('HDEL', KEYS[2], ARGV[2])
return 1`,
} as const;

export interface RedisStoreOptions {
  readonly host: string;
  readonly port: number;
  readonly username?: string;
  readonly password?: string;
  /** Keys are `{bbb-autoscaler:<environment>}:lease` and so on. */
  readonly environment: string;
  readonly timeoutMs?: number;
}

const PATH = 'coordination store';

export class RedisCoordinationStore implements CoordinationStore {
  private readonly redis: Redis;
  private readonly keys: { readonly lease: string; readonly fence: string; readonly powerOffs: string };
  private readonly timeoutMs: number;
  /** Why the connection failed last, which a command on a closed connection does not say. */
  private connectionError: string | undefined;

  constructor(options: RedisStoreOptions) {
    this.timeoutMs = options.timeoutMs ?? 5_000;
    // No offline queue and no retries per command: a command either reaches Redis now or
    // fails at once, and the caller decides (the lease is renewed before every action).
    this.redis = new Redis({
      host: options.host,
      port: options.port,
      username: options.username,
      password: options.password,
      lazyConnect: true,
      connectTimeout: this.timeoutMs,
      commandTimeout: this.timeoutMs,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      // How long a closing connection may take before its socket is destroyed; its timer keeps a finished command alive.
      disconnectTimeout: 100,
    });
    // Errors are reported by the commands that fail; this keeps an unhandled 'error' event from ending the process.
    this.redis.on('error', (error: Error) => {
      this.connectionError = error.message;
    });
    this.redis.on('ready', () => {
      this.connectionError = undefined;
    });
    const prefix = `{bbb-autoscaler:${options.environment}}`;
    this.keys = { lease: `${prefix}:lease`, fence: `${prefix}:fence`, powerOffs: `${prefix}:power-offs` };
  }

  private async run(script: keyof typeof SCRIPTS, keys: readonly string[], args: readonly (string | number)[] = []): Promise<unknown> {
    try {
      if (this.redis.status === 'wait' || this.redis.status === 'end' || this.redis.status === 'close') await this.connect();
      return await this.redis.eval(SCRIPTS[script], keys.length, ...keys, ...args.map(String));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (/timed? ?out/i.test(message)) throw new TimeoutError('redis', PATH, this.timeoutMs);
      throw new NetworkError('redis', PATH, /connection is closed/i.test(message) ? (this.connectionError ?? message) : message);
    }
  }

  private async connect(): Promise<void> {
    if (this.redis.status === 'end' || this.redis.status === 'close') this.redis.disconnect();
    await this.redis.connect();
  }

  async acquire(holder: string, ttlMs: number): Promise<Acquired> {
    const [ok, ...rest] = (await this.run('acquire', [this.keys.lease, this.keys.fence], [holder, ttlMs])) as [number, ...unknown[]];
    return ok === 1 ? { acquired: true, token: Number(rest[0]) } : { acquired: false, holder: String(rest[0]), remainingMs: Math.max(0, Number(rest[1])) };
  }

  async renew(token: number, ttlMs: number): Promise<boolean> {
    return (await this.run('renew', [this.keys.lease], [token, ttlMs])) === 1;
  }

  async release(token: number): Promise<void> {
    await this.run('release', [this.keys.lease], [token]);
  }

  async holder(): Promise<{ holder: string; remainingMs: number } | undefined> {
    const answer = (await this.run('holder', [this.keys.lease])) as unknown[];
    return answer.length === 0 ? undefined : { holder: String(answer[0]), remainingMs: Math.max(0, Number(answer[1])) };
  }

  async time(): Promise<Date> {
    return new Date(Number(await this.run('time', [])));
  }

  async powerOffs(): Promise<ReadonlyMap<string, Date>> {
    const [, ...pairs] = (await this.run('powerOffs', [this.keys.powerOffs])) as unknown[];
    const records = new Map<string, Date>();
    for (let index = 0; index + 1 < pairs.length; index += 2) records.set(String(pairs[index]), new Date(Number(pairs[index + 1])));
    return records;
  }

  async recordPowerOff(token: number, server: string): Promise<boolean> {
    return (await this.run('recordPowerOff', [this.keys.lease, this.keys.powerOffs], [token, server])) === 1;
  }

  async clearPowerOff(token: number, server: string): Promise<boolean> {
    return (await this.run('clearPowerOff', [this.keys.lease, this.keys.powerOffs], [token, server])) === 1;
  }

  async close(): Promise<void> {
    if (this.redis.status === 'ready') await this.redis.quit().catch(() => this.redis.disconnect());
    else this.redis.disconnect();
  }
}
