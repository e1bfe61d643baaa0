/**
 * Fake node_exporter and bigbluebutton-exporter endpoints on loopback addresses, one
 * address per "server" (127.0.0.0/8 all reaches lo on Linux), serving the metric
 * names, types and label sets the real exporters use; node_exporter also serves
 * what is in its textfile directory. Counters grow with
 * wall-clock time at a fixed rate, so rate() in Prometheus returns a value the test
 * can predict.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeServerSpec {
  readonly address: string;
  /** Share of each of 2 cores spent idle, 0..1. */
  readonly idleShare: number;
  readonly memAvailableBytes: number;
  readonly memTotalBytes: number;
  readonly rootAvailBytes: number;
  readonly rootSizeBytes: number;
  readonly receiveBytesPerSecond: number;
  /** Present on BBB servers only. */
  readonly bbb?: {
    readonly meetings: number;
    readonly participants: number;
    readonly listeners: number;
    readonly voice: number;
    readonly video: number;
    readonly recordingsProcessing: number;
    readonly recordingsUnprocessed: number;
    readonly apiUp: boolean;
  };
}

type Sample = [labels: string, value: number];

function family(name: string, type: 'gauge' | 'counter', help: string, samples: Sample[]): string {
  const lines = samples.map(([labels, value]) => `${name}${labels ? `{${labels}}` : ''} ${value}`);
  return [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...lines].join('\n');
}

/** `textfiles`: the text of the .prom files in the textfile collector's directory. */
export function nodeExporterText(spec: FakeServerSpec, elapsedSeconds: number, textfiles = ''): string {
  const cores = ['0', '1'];
  const fs = 'device="/dev/vda1",fstype="ext4",mountpoint="/"';
  const tmpfs = 'device="tmpfs",fstype="tmpfs",mountpoint="/run"';
  return [
    family(
      'node_cpu_seconds_total',
      'counter',
      'Seconds the CPUs spent in each mode.',
      cores.flatMap((cpu): Sample[] => [
        [`cpu="${cpu}",mode="idle"`, 1000 + elapsedSeconds * spec.idleShare],
        [`cpu="${cpu}",mode="user"`, 500 + elapsedSeconds * (1 - spec.idleShare)],
      ]),
    ),
    family('node_load1', 'gauge', '1m load average.', [['', 2 * (1 - spec.idleShare)]]),
    family('node_memory_MemAvailable_bytes', 'gauge', 'Memory information field MemAvailable_bytes.', [['', spec.memAvailableBytes]]),
    family('node_memory_MemTotal_bytes', 'gauge', 'Memory information field MemTotal_bytes.', [['', spec.memTotalBytes]]),
    family('node_filesystem_avail_bytes', 'gauge', 'Filesystem space available to non-root users in bytes.', [
      [fs, spec.rootAvailBytes],
      [tmpfs, 1e8],
    ]),
    family('node_filesystem_size_bytes', 'gauge', 'Filesystem size in bytes.', [
      [fs, spec.rootSizeBytes],
      [tmpfs, 2e8],
    ]),
    family('node_network_receive_bytes_total', 'counter', 'Network device statistic receive_bytes.', [
      ['device="ens6"', 1e9 + elapsedSeconds * spec.receiveBytesPerSecond],
      ['device="lo"', 5e9 + elapsedSeconds * 1e9],
    ]),
    family('node_network_transmit_bytes_total', 'counter', 'Network device statistic transmit_bytes.', [
      ['device="ens6"', 2e9 + elapsedSeconds * spec.receiveBytesPerSecond * 2],
      ['device="lo"', 5e9 + elapsedSeconds * 1e9],
    ]),
    ...(textfiles
      ? [
          textfiles.trimEnd(),
          family('node_textfile_mtime_seconds', 'gauge', 'Unixtime mtime of textfiles successfully read.', [
            ['file="/textfile/bbb-recordings.prom"', Math.floor(Date.now() / 60_000) * 60],
          ]),
        ]
      : []),
    '',
  ].join('\n');
}

export function bbbExporterText(bbb: NonNullable<FakeServerSpec['bbb']>): string {
  return [
    family('bbb_meetings', 'gauge', 'Number of BigBlueButton meetings', [['', bbb.meetings]]),
    family('bbb_meetings_participants', 'gauge', 'Total number of participants in all BigBlueButton meetings', [['', bbb.participants]]),
    family('bbb_meetings_listeners', 'gauge', 'Total number of listeners in all BigBlueButton meetings', [['', bbb.listeners]]),
    family('bbb_meetings_voice_participants', 'gauge', 'Total number of voice participants in all BigBlueButton meetings', [['', bbb.voice]]),
    family('bbb_meetings_video_participants', 'gauge', 'Total number of video participants in all BigBlueButton meetings', [['', bbb.video]]),
    family('bbb_recordings_processing', 'gauge', 'Total number of BigBlueButton recordings processing (scraped from disk)', [['', bbb.recordingsProcessing]]),
    family('bbb_recordings_unprocessed', 'gauge', 'Total number of BigBlueButton recordings enqueued to be processed (scraped from disk)', [['', bbb.recordingsUnprocessed]]),
    family('bbb_api_up', 'gauge', '1 if BigBlueButton API is responding 0 otherwise', [['', bbb.apiUp ? 1 : 0]]),
    '',
  ].join('\n');
}

/** Serves `body()` as Prometheus text exposition on /metrics, 404 elsewhere. */
export async function serveMetrics(address: string, port: number, body: () => string | Promise<string>): Promise<Server> {
  const server = createServer((request, response) => {
    if (request.url !== '/metrics') {
      response.writeHead(404).end();
      return;
    }
    Promise.resolve(body()).then(
      (text) => response.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' }).end(text),
      (error: Error) => response.writeHead(500).end(error.message),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, address, () => resolve());
  });
  return server;
}

export async function freePort(address = '127.0.0.1'): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, address, () => resolve()));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
