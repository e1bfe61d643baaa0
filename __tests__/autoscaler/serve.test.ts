/** The long-running mode: ticks on a timer, /metrics and /healthz, and a clean stop. */
import { type TickResult } from '../../functions/autoscaler/handler';
import { AutoscalerMetrics } from '../../functions/autoscaler/metrics';
import { serve } from '../../functions/autoscaler/serve';
import { World } from './fakes/world';
import { captureLog, tick } from './support';

describe('serve', () => {
  it('ticks repeatedly, serves metrics and health, and stops after the current tick', async () => {
    const world = new World({ servers: 2, minRunning: 1, running: 1 });
    const metrics = new AutoscalerMetrics();
    const log = captureLog();
    let ticks = 0;
    const service = await serve({
      tick: async () => {
        ticks++;
        world.advance(60);
        return tick(world, { metrics, logger: log.logger });
      },
      intervalSeconds: () => 0.05,
      metrics,
      logger: log.logger,
      port: 0,
      host: '127.0.0.1',
    });
    try {
      const deadline = Date.now() + 10_000;
      while (ticks < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(ticks).toBeGreaterThanOrEqual(3);
      const exposition = await (await fetch(`http://127.0.0.1:${service.port}/metrics`)).text();
      for (const name of [
        'bbb_autoscaler_desired_servers',
        'bbb_autoscaler_running_servers',
        'bbb_autoscaler_decisions_total',
        'bbb_autoscaler_errors_total{source="ionos"} 0',
        'bbb_autoscaler_tick_duration_seconds_bucket',
        'bbb_autoscaler_last_success_timestamp_seconds',
        'bbb_autoscaler_capacity_weighted',
        'bbb_autoscaler_load_weighted',
      ]) {
        expect(exposition).toContain(name);
      }
      const health = await fetch(`http://127.0.0.1:${service.port}/healthz`);
      expect(health.status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${service.port}/other`)).status).toBe(404);
    } finally {
      service.stop();
      await service.stopped;
    }
    const stoppedAt = ticks;
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(ticks).toBe(stoppedAt);
    await expect(fetch(`http://127.0.0.1:${service.port}/metrics`)).rejects.toThrow();
  });

  it('reports unhealthy when no tick succeeds, and keeps running through failures', async () => {
    const metrics = new AutoscalerMetrics();
    let attempts = 0;
    const service = await serve({
      tick: async (): Promise<TickResult> => {
        attempts++;
        metrics.errors.inc({ source: 'tick' });
        throw new Error('IONOS unreachable');
      },
      // Three intervals of 10 ms pass quickly without a success.
      intervalSeconds: () => 0.01,
      metrics,
      logger: captureLog().logger,
      port: 0,
      host: '127.0.0.1',
    });
    try {
      const deadline = Date.now() + 10_000;
      while (attempts < 5 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(attempts).toBeGreaterThanOrEqual(5);
      const health = await fetch(`http://127.0.0.1:${service.port}/healthz`);
      expect(health.status).toBe(503);
      expect(await (await fetch(`http://127.0.0.1:${service.port}/metrics`)).text()).toMatch(/bbb_autoscaler_errors_total\{source="tick"\} ([5-9]|\d{2,})/);
    } finally {
      service.stop();
      await service.stopped;
    }
  });
});
