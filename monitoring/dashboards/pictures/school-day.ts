/**
 * A synthetic school day for the dashboard pictures: raw exporter series as
 * Prometheus would have scraped them (same names and labels), one sample a minute.
 * Lessons start at 08:00 local time; the schedule pre-warms 12 servers from 07:15;
 * load follows lessons and breaks; the autoscaler adds servers as load grows and
 * drains them in the afternoon. Last night's maintenance cycle patched the pool but two
 * servers, one of them held after its update failed.
 */

export interface SchoolDay {
  /** Unix seconds of the first and last sample. */
  readonly start: number;
  readonly end: number;
  /** Local time is UTC plus this many hours (Germany in winter). */
  readonly utcOffsetHours: number;
  readonly openMetrics: string;
}

const POOL_SIZE = 20;
const CORES = 8;
/** node_exporter's per-core counters, scraped every 15 s as in production, for two of the cores. */
const SAMPLED_CORES = 2;
const CPU_SAMPLES_PER_MINUTE = 4;
const CAPACITY_PER_SERVER = 200;
const TARGET_UTILIZATION = 0.6;
const UTC_OFFSET_HOURS = 1;

/** Concurrent users at a local time of day (hours), with a dip in each break. */
function users(hour: number): number {
  if (hour < 7.25 || hour > 16.5) return 0;
  const ramp = hour < 8 ? (hour - 7.25) / 0.75 : hour > 13.5 ? Math.max(0, 1 - (hour - 13.5) / 1.5) * 0.85 + 0.15 * Math.max(0, (16.5 - hour) / 3) : 1;
  const breakDip = [9.5, 11.25].some((b) => hour >= b && hour < b + 0.33) ? 0.55 : 1;
  const lessonShape = 0.9 + 0.1 * Math.sin(((hour - 8) / 0.75) * Math.PI);
  return Math.round(1700 * ramp * breakDip * lessonShape);
}

function scheduledMinimum(hour: number): number {
  return hour >= 7.25 && hour < 13.5 ? 12 : 4;
}

/** Last night's maintenance cycle: this server's update failed and it is held; that one was busy all along. */
const HELD_SERVER = 13;
const SKIPPED_SERVER = 20;

/**
 * When the cycle patched server `slot`: last night from 01:05 local time, five minutes
 * apart; a slot beyond the pool, the night before (a server not patched last night).
 */
function patchedAt(slot: number, start: number): number {
  const lastNight = start - 5 * 3600 + 5 * 60 + (slot % POOL_SIZE) * 5 * 60;
  return slot > POOL_SIZE ? lastNight - 86400 : lastNight;
}

/** A stable pseudo-random share per server and minute, so pictures do not change between runs. */
function jitter(server: number, minute: number): number {
  const x = Math.sin(server * 12.9898 + minute * 78.233) * 43758.5453;
  return 0.85 + 0.3 * (x - Math.floor(x));
}

type Labels = Record<string, string>;

class Series {
  private readonly lines = new Map<string, string[]>();

  add(name: string, labels: Labels, value: number, time: number): void {
    const key = `${name}{${Object.entries(labels)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${k}="${v}"`)
      .join(',')}}`;
    const samples = this.lines.get(key) ?? [];
    samples.push(`${key} ${Number(value.toFixed(6))} ${time}`);
    this.lines.set(key, samples);
  }

  /** Samples grouped by metric family, then series, as OpenMetrics requires. */
  toOpenMetrics(): string {
    const keys = [...this.lines.keys()].sort();
    return `${keys.flatMap((key) => this.lines.get(key) ?? []).join('\n')}\n# EOF\n`;
  }
}

export function schoolDay(date = '2026-03-02'): SchoolDay {
  const start = Date.parse(`${date}T${String(6 - UTC_OFFSET_HOURS).padStart(2, '0')}:00:00Z`) / 1000;
  const minutes = 11 * 60;
  const series = new Series();
  const idle = new Map<string, number>();
  const received = new Map<string, number>();
  let running = 4;
  const decisions = { start: 0, stop: 0, cordon: 0, none: 0 };
  let errors = 0;
  const tickBuckets = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60];
  const tickCounts = new Array(tickBuckets.length + 1).fill(0);
  let tickSum = 0;

  for (let minute = 0; minute <= minutes; minute++) {
    const time = start + minute * 60;
    const hour = 6 + minute / 60;
    const total = users(hour);
    const webcamShare = 0.15;
    const load = total * (1 + 3 * webcamShare);
    const desired = Math.min(POOL_SIZE, Math.max(scheduledMinimum(hour), Math.ceil(load / (CAPACITY_PER_SERVER * TARGET_UTILIZATION))));
    // Servers take about three minutes to boot; draining takes longer.
    const previous = running;
    if (desired > running && minute % 3 === 0) running = Math.min(desired, running + 4);
    if (desired < running && minute % 10 === 0) running -= 1;
    if (running > previous) decisions.start += running - previous;
    else if (running < previous) {
      decisions.cordon += 1;
      decisions.stop += previous - running;
    } else decisions.none += 1;
    if (hour >= 10.5 && hour < 10.75) errors += 1;

    const weights = Array.from({ length: running }, (_, i) => jitter(i + 1, minute));
    const weightSum = weights.reduce((a, b) => a + b, 0);
    for (let i = 1; i <= running; i++) {
      const instance = `example-bbb-${String(i).padStart(2, '0')}`;
      const node = { instance, job: 'node', role: 'bbb' };
      const bbb = { instance, job: 'bbb', role: 'bbb' };
      const participants = Math.round((total * weights[i - 1]) / weightSum);
      const video = Math.round(participants * webcamShare);
      const serverLoad = participants + 3 * video;
      const busy = Math.min(0.97, 0.04 + serverLoad / 420);
      series.add('up', node, 1, time);
      series.add('up', bbb, 1, time);
      series.add('bbb_api_up', bbb, 1, time);
      series.add('bbb_meetings', bbb, Math.ceil(participants / 24), time);
      series.add('bbb_meetings_participants', bbb, participants, time);
      series.add('bbb_meetings_voice_participants', bbb, Math.round(participants * 0.35), time);
      series.add('bbb_meetings_listeners', bbb, Math.round(participants * 0.5), time);
      series.add('bbb_meetings_video_participants', bbb, video, time);
      // Lessons recorded in the morning are processed after noon, one by one.
      series.add('bbb_platform_recordings_pending', node, hour > 13 && hour < 15 && i % 3 === 1 ? Math.ceil((15 - hour) * 1.5) : 0, time);
      series.add('bbb_platform_recordings_failed', node, hour > 14 && i === 4 ? 1 : 0, time);
      // rate(...[1m]) needs several samples a minute.
      for (let cpu = 0; cpu < SAMPLED_CORES; cpu++) {
        for (let sample = 0; sample < CPU_SAMPLES_PER_MINUTE; sample++) {
          const key = `${instance}/${cpu}`;
          const seconds = 60 / CPU_SAMPLES_PER_MINUTE;
          const value = (idle.get(key) ?? 1e5) + seconds * (1 - busy);
          idle.set(key, value);
          series.add('node_cpu_seconds_total', { ...node, cpu: String(cpu), mode: 'idle' }, value, time + sample * seconds);
        }
      }
      series.add('node_memory_MemTotal_bytes', node, 16 * 2 ** 30, time);
      series.add('node_memory_MemAvailable_bytes', node, (0.75 - 0.45 * busy) * 16 * 2 ** 30, time);
      series.add('node_load1', node, busy * CORES, time);
      const fs = { ...node, device: '/dev/vda1', fstype: 'ext4', mountpoint: '/' };
      series.add('node_filesystem_size_bytes', fs, 200 * 2 ** 30, time);
      series.add('node_filesystem_avail_bytes', fs, (120 - minute * 0.01) * 2 ** 30, time);
      const rx = (received.get(instance) ?? 1e12) + 60 * participants * 95_000;
      received.set(instance, rx);
      series.add('node_network_receive_bytes_total', { ...node, device: 'ens6' }, rx, time);
      series.add('node_network_transmit_bytes_total', { ...node, device: 'ens6' }, rx * 1.8, time);
      // Last night's cycle patched every server but bbb-13, whose update failed (it is held).
      const failed = i === HELD_SERVER;
      series.add('platform_security_updates_pending', node, failed ? 3 : 0, time);
      series.add('platform_reboot_required', node, 0, time);
      series.add('platform_maintenance_last_run_success', node, failed ? 0 : 1, time);
      series.add('platform_maintenance_last_success_timestamp_seconds', node, patchedAt(failed ? i + POOL_SIZE : i, start), time);
    }
    for (const [instance, role] of [
      ['example-scalelite-01', 'scalelite'],
      ['example-scalelite-02', 'scalelite'],
      ['example-turn-01', 'turn'],
      ['example-monitoring-01', 'monitoring'],
    ]) {
      const node = { instance, job: 'node', role };
      series.add('up', node, 1, time);
      // Patched in last night's window, 01:00-05:00 local time.
      series.add('platform_security_updates_pending', node, 0, time);
      series.add('platform_reboot_required', node, 0, time);
      series.add('platform_maintenance_last_run_success', node, 1, time);
      series.add('platform_maintenance_last_success_timestamp_seconds', node, start - 4 * 3600, time);
    }

    const autoscaler = { instance: 'autoscaler:9464', job: 'autoscaler', role: 'monitoring' };
    series.add('up', autoscaler, 1, time);
    series.add('bbb_autoscaler_desired_servers', autoscaler, desired, time);
    series.add('bbb_autoscaler_running_servers', autoscaler, running, time);
    series.add('bbb_autoscaler_capacity_weighted', autoscaler, desired * CAPACITY_PER_SERVER, time);
    series.add('bbb_autoscaler_load_weighted', autoscaler, load, time);
    series.add('bbb_autoscaler_last_success_timestamp_seconds', autoscaler, errors > 0 && hour >= 10.5 && hour < 10.75 ? start + 630 * 60 : time, time);
    for (const [action, count] of Object.entries(decisions)) series.add('bbb_autoscaler_decisions_total', { ...autoscaler, action }, count, time);
    for (const source of ['prometheus', 'ionos', 'scalelite', 'bbb', 'tick']) {
      series.add('bbb_autoscaler_errors_total', { ...autoscaler, source }, source === 'ionos' ? errors : 0, time);
    }
    // Last night's maintenance cycle, as the autoscaler exports it for every pool server.
    for (let i = 1; i <= POOL_SIZE; i++) {
      const server = `example-bbb-${String(i).padStart(2, '0')}`;
      const state = i === HELD_SERVER ? 'failed' : i === SKIPPED_SERVER ? 'skipped' : 'patched';
      series.add('bbb_autoscaler_maintenance_server_state', { ...autoscaler, server, state }, 1, time);
      series.add('bbb_autoscaler_maintenance_held', { ...autoscaler, server }, i === HELD_SERVER ? 1 : 0, time);
      series.add('bbb_autoscaler_maintenance_patched_timestamp_seconds', { ...autoscaler, server }, patchedAt(i === HELD_SERVER || i === SKIPPED_SERVER ? i + POOL_SIZE : i, start), time);
    }
    for (const [state, count] of Object.entries({ patched: POOL_SIZE - 2, failed: 1, skipped: 1, inProgress: 0, pending: 0, missed: 0, notDue: 0 })) {
      series.add('bbb_autoscaler_maintenance_cycle_servers', { ...autoscaler, state }, count, time);
    }
    series.add('bbb_autoscaler_maintenance_cycle_open', autoscaler, 0, time);
    series.add('bbb_autoscaler_maintenance_cycle_active', autoscaler, 0, time);
    series.add('bbb_autoscaler_maintenance_cycle_halted', autoscaler, 0, time);
    // The window closed at 05:00 local time, an hour before the day's first sample.
    series.add('bbb_autoscaler_maintenance_cycle_end_timestamp_seconds', autoscaler, start - 3600, time);

    const tick = 0.4 + 0.6 * (running / POOL_SIZE) + (running !== previous ? 1.5 : 0);
    tickSum += tick;
    tickBuckets.forEach((le, index) => (tickCounts[index] += tick <= le ? 1 : 0));
    tickCounts[tickBuckets.length] += 1;
    tickBuckets.forEach((le, index) => series.add('bbb_autoscaler_tick_duration_seconds_bucket', { ...autoscaler, le: String(le) }, tickCounts[index], time));
    series.add('bbb_autoscaler_tick_duration_seconds_bucket', { ...autoscaler, le: '+Inf' }, tickCounts[tickBuckets.length], time);
    series.add('bbb_autoscaler_tick_duration_seconds_sum', autoscaler, tickSum, time);
    series.add('bbb_autoscaler_tick_duration_seconds_count', autoscaler, tickCounts[tickBuckets.length], time);

    for (const [endpoint, target, module, days] of [
      ['scalelite', 'https://scalelite.bbb.example.org/bigbluebutton/api', 'bbb_api', 61],
      ['greenlight', 'https://greenlight.bbb.example.org/', 'http_2xx', 61],
      ['turn-01', 'turn-01.bbb.example.org:443', 'turn_tls', 44],
    ] as const) {
      const probe = { instance: target, job: endpoint === 'turn-01' ? 'blackbox-turn' : 'blackbox-https', endpoint, module };
      series.add('probe_success', probe, 1, time);
      series.add('probe_ssl_earliest_cert_expiry', probe, start + days * 86400, time);
    }
  }
  return { start, end: start + minutes * 60, utcOffsetHours: UTC_OFFSET_HOURS, openMetrics: series.toOpenMetrics() };
}
