/** Shared wiring for the autoscaler tests: run a tick of the real handler against a World. */
import { createServer } from 'node:net';
import { Writable } from 'node:stream';
import type { Logger } from 'pino';
import type { Fetch, HttpSettings } from '../../functions/autoscaler/clients/http';
import { type TickResult, createClients, runTick } from '../../functions/autoscaler/handler';
import type { HoldList } from '../../functions/autoscaler/hold';
import type { Inventory } from '../../functions/autoscaler/inventory';
import { createLogger } from '../../functions/autoscaler/log';
import type { AutoscalerMetrics } from '../../functions/autoscaler/metrics';
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
}

export function tick(world: World, options: TickOptions = {}): Promise<TickResult> {
  const inventory = options.inventory ?? world.inventory();
  const clients = createClients(inventory, IONOS_TOKEN, fastHttp(options.fetch ?? world.fetch()));
  return runTick(
    { time: world.now.toISOString(), dryRun: options.dryRun },
    { inventory, clients, logger: options.logger ?? silent, metrics: options.metrics, hold: options.hold },
  );
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
