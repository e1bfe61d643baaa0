/**
 * The exporters a BBB server runs, for a real Prometheus to scrape: bigbluebutton-exporter
 * (:9688) and node_exporter (:9100, with the platform's textfile gauge) metric names and
 * text format, one path per server (/<host>/metrics). A stopped server's exporters answer
 * 503, so its series go stale.
 */
import { ionosId, type World } from './world';
import type { FakeRequest, FakeResponse } from './transport';
import { Faults } from './transport';

export class FakeExporters {
  readonly faults = new Faults();
  private readonly cpuSeconds = new Map<string, { idle: number; busy: number }>();

  constructor(private readonly world: World) {}

  readonly handler = (request: FakeRequest): FakeResponse => {
    const match = /^\/([^/]+)\/metrics$/.exec(new URL(request.url, 'http://fake').pathname);
    const host = match ? this.world.bbb.hosts.get(match[1]) : undefined;
    if (!host) return { status: 404, body: 'not found' };
    if (!host.reachable()) return { status: 503, body: 'server is off' };
    const participants = host.meetings.reduce((sum, m) => sum + m.participantCount, 0);
    const webcams = host.meetings.reduce((sum, m) => sum + m.videoCount, 0);
    const voice = host.meetings.reduce((sum, m) => sum + m.voiceParticipantCount, 0);
    // CPU counters advance with every scrape in proportion to the load, as node_exporter's do.
    const cpu = this.cpuSeconds.get(host.host) ?? { idle: 0, busy: 0 };
    const busyShare = Math.min(0.95, (participants + 3 * webcams) / 400);
    cpu.idle += 1 - busyShare;
    cpu.busy += busyShare;
    this.cpuSeconds.set(host.host, cpu);
    const bootedAt = this.world.ionos.servers.get(ionosId(Number(host.host.replace(/^bbb-/, ''))))?.bootedAt ?? this.world.now;
    const lines = [
      '# HELP bbb_api_up 1 if BigBlueButton API is responding 0 otherwise',
      '# TYPE bbb_api_up gauge',
      'bbb_api_up 1',
      '# HELP bbb_meetings Number of BigBlueButton meetings',
      '# TYPE bbb_meetings gauge',
      `bbb_meetings ${host.meetings.length}`,
      '# HELP bbb_meetings_participants Total number of participants in all BigBlueButton meetings',
      '# TYPE bbb_meetings_participants gauge',
      `bbb_meetings_participants ${participants}`,
      '# HELP bbb_meetings_video_participants Total number of video participants in all BigBlueButton meetings',
      '# TYPE bbb_meetings_video_participants gauge',
      `bbb_meetings_video_participants ${webcams}`,
      '# HELP bbb_meetings_voice_participants Total number of voice participants in all BigBlueButton meetings',
      '# TYPE bbb_meetings_voice_participants gauge',
      `bbb_meetings_voice_participants ${voice}`,
      // Read from disk, as the platform runs it: every recording left on the server counts,
      // published long ago or not, so these are no backlog.
      '# HELP bbb_recordings_processing Total number of BigBlueButton recordings processing',
      '# TYPE bbb_recordings_processing gauge',
      `bbb_recordings_processing ${host.processingRecordings + host.publishedRecordings}`,
      '# HELP bbb_recordings_unprocessed Total number of BigBlueButton recordings that need to be processed',
      '# TYPE bbb_recordings_unprocessed gauge',
      `bbb_recordings_unprocessed ${host.queuedRecordings + host.publishedRecordings}`,
      // node_exporter's textfile collector.
      '# HELP bbb_platform_recordings_pending Recordings on this server recorded but not yet published or failed.',
      '# TYPE bbb_platform_recordings_pending gauge',
      `bbb_platform_recordings_pending ${host.processingRecordings + host.queuedRecordings}`,
      '# HELP node_textfile_mtime_seconds Unixtime mtime of textfiles successfully read.',
      '# TYPE node_textfile_mtime_seconds gauge',
      `node_textfile_mtime_seconds{file="/var/lib/node_exporter/textfile_collector/bbb-recordings.prom"} ${host.recordingCountWrittenAt ?? Date.now() / 1000}`,
      '# HELP node_boot_time_seconds Node boot time, in unixtime.',
      '# TYPE node_boot_time_seconds gauge',
      `node_boot_time_seconds ${bootedAt.getTime() / 1000}`,
      '# HELP node_cpu_seconds_total Seconds the CPUs spent in each mode.',
      '# TYPE node_cpu_seconds_total counter',
      `node_cpu_seconds_total{cpu="0",mode="idle"} ${cpu.idle.toFixed(3)}`,
      `node_cpu_seconds_total{cpu="0",mode="user"} ${cpu.busy.toFixed(3)}`,
    ];
    return { status: 200, headers: { 'content-type': 'text/plain; version=0.0.4' }, body: `${lines.join('\n')}\n` };
  };
}
