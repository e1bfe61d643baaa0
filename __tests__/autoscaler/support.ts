/** Shared wiring for the autoscaler tests: run a tick of the real handler against a World. */
import { createServer } from 'node:net';
import { Writable } from 'node:stream';
import type { Logger } from 'pino';
import type { Fetch, HttpSettings } from '../../functions/autoscaler/clients/http';
import type { HostKeyCheck, PlatformAgent } from '../../functions/autoscaler/clients/platform-agent';
import type { CoordinationStore } from '../../functions/autoscaler/coordination';
import { type TickResult, runTick } from '../../functions/autoscaler/handler';
import type { HoldList } from '../../functions/autoscaler/hold';
import type { Inventory } from '../../functions/autoscaler/inventory';
import type { MaintenanceSummary } from '../../functions/autoscaler/policy';
import { createLogger } from '../../functions/autoscaler/log';
import type { AutoscalerMetrics } from '../../functions/autoscaler/metrics';
import { openSession, type Session } from '../../functions/autoscaler/session';
import { IONOS_TOKEN, type World } from './fakes/world';

/** No waiting between retries: the fakes answer at once and a thousand scenarios must stay fast. */
export function fastHttp(fetch: Fetch, overrides: Partial<HttpSettings> = {}): HttpSettings {
  return { timeoutMs: 2_000, retries: 2, backoffMs: 0, maxBackoffMs: 0, fetch, ...overrides };
}

export interface CapturedLog {
  readonly logger: Logger;
  readonly lines: () => Array<Record<string, unknown>>;
  readonly text: () => string;
}

export function captureLog(): CapturedLog {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString('utf8'));
      callback();
    },
  });
  return {
    logger: createLogger(stream, 'debug'),
    text: () => chunks.join(''),
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

const silent = createLogger(new Writable({ write: (_c, _e, callback) => callback() }), 'silent');

export interface TickOptions {
  readonly dryRun?: boolean;
  readonly inventory?: Inventory;
  readonly fetch?: Fetch;
  readonly logger?: Logger;
  readonly metrics?: AutoscalerMetrics;
  readonly hold?: HoldList;
  /** Names the autoscaler (its lease holder), when a test runs more than one. */
  readonly command?: string;
  /** Take the tick's time from the coordination store, as a deployed tick does, instead of the World's. */
  readonly storeClock?: boolean;
  /** In place of the World's coordination store and platform agent (a test that watches each call). */
  readonly coordination?: CoordinationStore;
  readonly agent?: PlatformAgent | ((check: HostKeyCheck) => PlatformAgent);
}

export type SessionOptions = Pick<TickOptions, 'inventory' | 'fetch' | 'command' | 'dryRun' | 'coordination' | 'agent'>;

/** A session on the World's fakes: its IONOS, Scalelite, BBB and Prometheus, its coordination store and platform agent. */
export function worldSession(world: World, options: SessionOptions = {}): Session {
  const inventory = options.inventory ?? world.inventory();
  return openSession(inventory, {
    command: options.command ?? 'tick',
    acting: !options.dryRun && inventory.policy.autoscaler.enabled,
    ionosToken: IONOS_TOKEN,
    http: fastHttp(options.fetch ?? world.fetch()),
    coordination: options.coordination ?? world.store,
    agent: options.agent ?? ((check) => world.agent.withHostKeyCheck(check)),
    monotonicMs: () => world.now.getTime(),
  });
}

/** One tick as `autoscaler.js tick` runs it: take the lease (when acting), tick, give it back. */
export async function tick(world: World, options: TickOptions = {}): Promise<TickResult> {
  const inventory = options.inventory ?? world.inventory();
  const session = worldSession(world, { ...options, inventory });
  try {
    await session.lease?.acquire();
    return await runTick(
      { time: options.storeClock ? undefined : world.now.toISOString(), dryRun: options.dryRun },
      { inventory, clients: session.clients, logger: options.logger ?? silent, metrics: options.metrics, hold: options.hold, lease: session.lease },
    );
  } finally {
    await session.close();
  }
}

/** A port free on 127.0.0.1 right now, for a process that takes its port as an argument. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A decision's maintenance summary when no cycle runs (decisions built by hand for the executor). */
export const NO_CYCLE: MaintenanceSummary = {
  open: false,
  active: false,
  halted: false,
  servers: { patched: 0, failed: 0, skipped: 0, inProgress: 0, pending: 0, missed: 0, notDue: 0 },
  byServer: {},
};
