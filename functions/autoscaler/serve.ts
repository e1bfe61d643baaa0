/**
 * The long-running mode: a tick every autoscaler.intervalSeconds, /metrics and
 * /healthz on :9464, and a graceful stop on SIGTERM/SIGINT (the running tick finishes,
 * no new one starts).
 */
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { AutoscalerMetrics } from './metrics';

export const METRICS_PORT = 9464;

export interface ServeOptions {
  /** One tick; it may decline to act (another autoscaler holds the lease). */
  readonly tick: () => Promise<unknown>;
  /** Asked before each wait, so an updated inventory changes the pace without a restart. */
  readonly intervalSeconds: () => number;
  readonly metrics: AutoscalerMetrics;
  readonly logger: Logger;
  readonly port?: number;
  readonly host?: string;
}

export interface RunningService {
  readonly port: number;
  /** Resolves once the loop has stopped and the HTTP server is closed. */
  readonly stopped: Promise<void>;
  stop(): void;
}

/** Healthy while the last tick completed within three intervals. */
function healthy(metrics: AutoscalerMetrics, intervalSeconds: number, startedAt: number): Promise<boolean> {
  return metrics.lastSuccess.get().then(({ values }) => {
    const last = values[0]?.value || startedAt;
    return Date.now() / 1000 - last <= 3 * intervalSeconds;
  });
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

export async function serve(options: ServeOptions): Promise<RunningService> {
  const { metrics, logger } = options;
  const startedAt = Date.now() / 1000;
  const server = createServer((request, response) => {
    void (async () => {
      if (request.url === '/metrics') {
        response.writeHead(200, { 'content-type': metrics.registry.contentType });
        response.end(await metrics.registry.metrics());
      } else if (request.url === '/healthz') {
        const ok = await healthy(metrics, options.intervalSeconds(), startedAt);
        response.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' });
        response.end(ok ? 'ok\n' : 'no successful tick within three intervals\n');
      } else {
        response.writeHead(404, { 'content-type': 'text/plain' });
        response.end('not found\n');
      }
    })();
  });
  const port = await listen(server, options.port ?? METRICS_PORT, options.host ?? '0.0.0.0');
  logger.info({ event: 'serve', port }, `metrics on :${port}`);

  let stopping = false;
  let wake: (() => void) | undefined;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    logger.info({ event: 'serve' }, 'stopping after the current tick');
    wake?.();
  };

  const loop = async () => {
    while (!stopping) {
      try {
        await options.tick();
      } catch {
        // runTick has logged and counted the failure; the next tick starts from the truth again.
      }
      if (stopping) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, options.intervalSeconds() * 1000);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    logger.info({ event: 'serve' }, 'stopped');
  };

  return { port, stopped: loop(), stop };
}
