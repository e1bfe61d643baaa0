/**
 * The coordination store in Redis (ioredis): the platform's managed Redis on the private
 * LAN, which Scalelite needs anyway (no meeting starts while it is down). Each operation
 * that must be atomic is one Lua script, which Redis runs without interleaving: the lease
 * is a key set only if absent (with a time to live, `PX`, kept by Redis' own clock), its
 * fencing token comes from a counter that only grows, and power-off records, maintenance
 * records and pinned host keys are written only while the given token holds the lease
 * (an operator's request, release and forgetting a key are not: they ask, the holder
 * acts). Keys share one hash tag, so a cluster keeps them on one node. Redis' Lua has
 * cjson (Redis' scripting documentation, "Available libraries").
 */
import Redis from 'ioredis';
import type { Acquired, CoordinationStore, MaintenanceState, PinOutcome } from '../coordination';
import { NetworkError, ResponseShapeError, TimeoutError } from '../errors';
import { decodePin, decodeRecord, decodeRequest, encodeRecord, type PinnedHostKey } from '../maintenance-records';
import type { MaintenanceRecord, MaintenanceRequest } from '../policy';

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
  /** KEYS: maintenance records, request. -> {now ms, request or nil, name, record, name, record, ...} */
  maintenance: `${NOW}
local result = {now, redis.call('GET', KEYS[2])}
for _, value in ipairs(redis.call('HGETALL', KEYS[1])) do table.insert(result, value) end
return result`,
  /** KEYS: lease, maintenance records. ARGV: token, server, record (JSON). -> 1 or 0 */
  recordMaintenance: `${HOLDER_TOKEN}
if held ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
return 1`,
  /** KEYS: request. ARGV: servers (JSON), now (true|false). -> the request (JSON) */
  requestMaintenance: `${NOW}
local request = '{"servers":' .. ARGV[1] .. ',"now":' .. ARGV[2] .. ',"at":' .. now .. '}'
redis.call('SET', KEYS[1], request)
return request`,
  /** KEYS: maintenance records. ARGV: server, message. -> 1 when a failed record became skipped, else 0 */
  releaseMaintenance: `${NOW}
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return 0 end
local ok, record = pcall(cjson.decode, raw)
if ok and type(record) == 'table' and record.phase ~= 'failed' then return 0 end
if not ok or type(record) ~= 'table' then record = {cycle = 'request-0', wasStopped = false} end
record.phase = 'skipped'
record.since = now
record.message = ARGV[2]
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(record))
return 1`,
  /** KEYS: host keys. -> {name, pin, name, pin, ...} */
  hostKeys: `return redis.call('HGETALL', KEYS[1])`,
  /** KEYS: lease, host keys. ARGV: token, server, IONOS server id, fingerprint. -> {1} pinned, {2, pin} kept, {0} lease lost */
  pinHostKey: `${HOLDER_TOKEN}
if held ~= ARGV[1] then return {0} end
local raw = redis.call('HGET', KEYS[2], ARGV[2])
if raw then
  local ok, pin = pcall(cjson.decode, raw)
  if ok and type(pin) == 'table' and pin.ionosServerId == ARGV[3] then return {2, raw} end
end
${NOW}
redis.call('HSET', KEYS[2], ARGV[2], cjson.encode({ionosServerId = ARGV[3], fingerprint = ARGV[4], pinnedAt = now}))
return {1}`,
  /** KEYS: host keys. ARGV: server. -> 1 when a key was pinned */
  forgetHostKey: `return redis.call('HDEL', KEYS[1], ARGV[1])`,
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
  private readonly keys: Readonly<Record<'lease' | 'fence' | 'powerOffs' | 'maintenance' | 'request' | 'hostKeys', string>>;
  private readonly timeoutMs: number;
  /** Why the connection failed last, which a command on a closed connection does not say. */
  private connectionError: string | undefined;
  private connecting: Promise<void> | undefined;

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
    this.keys = {
      lease: `${prefix}:lease`,
      fence: `${prefix}:fence`,
      powerOffs: `${prefix}:power-offs`,
      maintenance: `${prefix}:maintenance`,
      request: `${prefix}:maintenance-request`,
      hostKeys: `${prefix}:host-keys`,
    };
  }

  private async run(script: keyof typeof SCRIPTS, keys: readonly string[], args: readonly (string | number)[] = []): Promise<unknown> {
    try {
      if (this.redis.status !== 'ready') await this.connect();
      return await this.redis.eval(SCRIPTS[script], keys.length, ...keys, ...args.map(String));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (/timed? ?out/i.test(message)) throw new TimeoutError('redis', PATH, this.timeoutMs);
      throw new NetworkError('redis', PATH, /connection is closed/i.test(message) ? (this.connectionError ?? message) : message);
    }
  }

  /** One connection attempt at a time: commands sent side by side (a tick's reads) wait for the same one. */
  private connect(): Promise<void> {
    this.connecting ??= (async () => {
      if (this.redis.status === 'end' || this.redis.status === 'close') this.redis.disconnect();
      await this.redis.connect();
    })().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
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

  async maintenance(): Promise<MaintenanceState> {
    const [now, request, ...pairs] = (await this.run('maintenance', [this.keys.maintenance, this.keys.request])) as unknown[];
    const records = new Map<string, MaintenanceRecord>();
    for (let index = 0; index + 1 < pairs.length; index += 2) records.set(String(pairs[index]), decodeRecord(String(pairs[index + 1]), new Date(Number(now))));
    const decoded = decodeRequest(typeof request === 'string' ? request : undefined);
    return { records, ...(decoded && { request: decoded }) };
  }

  async recordMaintenance(token: number, server: string, record: MaintenanceRecord): Promise<boolean> {
    return (await this.run('recordMaintenance', [this.keys.lease, this.keys.maintenance], [token, server, encodeRecord(record)])) === 1;
  }

  async requestMaintenance(servers: readonly string[] | 'all', now: boolean): Promise<MaintenanceRequest> {
    const stored = String(await this.run('requestMaintenance', [this.keys.request], [JSON.stringify(servers), String(now)]));
    const request = decodeRequest(stored);
    if (!request) throw new ResponseShapeError('redis', PATH, `the request did not read back: ${stored}`);
    return request;
  }

  async releaseMaintenance(server: string, message: string): Promise<boolean> {
    return (await this.run('releaseMaintenance', [this.keys.maintenance], [server, message])) === 1;
  }

  async hostKeys(): Promise<ReadonlyMap<string, PinnedHostKey>> {
    const pairs = (await this.run('hostKeys', [this.keys.hostKeys])) as unknown[];
    const pins = new Map<string, PinnedHostKey>();
    for (let index = 0; index + 1 < pairs.length; index += 2) {
      const pin = decodePin(String(pairs[index + 1]));
      if (pin) pins.set(String(pairs[index]), pin);
    }
    return pins;
  }

  async pinHostKey(token: number, server: string, ionosServerId: string, fingerprint: string): Promise<PinOutcome> {
    const [code, raw] = (await this.run('pinHostKey', [this.keys.lease, this.keys.hostKeys], [token, server, ionosServerId, fingerprint])) as [number, string?];
    if (code === 0) return { outcome: 'lost' };
    if (code === 1) return { outcome: 'pinned' };
    const pin = decodePin(String(raw));
    if (!pin) throw new ResponseShapeError('redis', PATH, `the pinned host key of ${server} does not read back`);
    return { outcome: 'kept', pin };
  }

  async forgetHostKey(server: string): Promise<boolean> {
    return (await this.run('forgetHostKey', [this.keys.hostKeys], [server])) === 1;
  }

  async close(): Promise<void> {
    if (this.redis.status === 'ready') await this.redis.quit().catch(() => this.redis.disconnect());
    else this.redis.disconnect();
  }
}
