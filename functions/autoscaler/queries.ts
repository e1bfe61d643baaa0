/**
 * The PromQL the autoscaler reads each tick. The recording rules (bbb:*) come from the
 * monitoring part; exporter metric names are bigbluebutton-exporter's and node_exporter's.
 */

/**
 * Minutes a server's exporter must have seen no more meetings than getMeetings shows now
 * before its recording backlog is trusted. The backlog gauge is written to a file on the
 * server and read by node_exporter's textfile collector, apart from the scrape that counts
 * the meetings, so a meeting that ended shortly before the last scrape may have left a
 * recording the gauge does not show yet. Three minutes cover the gauge's writer (at most
 * a minute between updates) and a scrape, twice over.
 */
export const RECORDINGS_SETTLE_MINUTES = 3;

/**
 * The recording count file is rewritten every minute. node_exporter serves the last
 * one it finds, so a writer that stopped would leave its last count standing, perhaps
 * 0; a count older than this is no count (and a server without one is not drained).
 */
const RECORDING_COUNT_MAX_AGE_SECONDS = 300;
const RECORDING_COUNT_FILE = 'node_textfile_mtime_seconds{file=~"(.*/)?bbb-recordings[.]prom"}';

export const QUERIES = {
  load: 'bbb:load:total',
  loadTimestamp: 'timestamp(bbb:load:total)',
  loadTrendPerMinute: 'deriv(bbb:load:total[5m]) * 60',
  /**
   * The smallest two-minute slope of the last three minutes: positive only while the load
   * has risen all along, not after a single step up.
   */
  recentTrendPerMinute: 'min_over_time((deriv(bbb:load:total[2m]) * 60)[3m:1m])',
  /** The learned timetable's series (a range query, see observe.ts). */
  history: 'bbb:load:total',
  /** A past day's peak, evaluated at its end. */
  dayPeak: 'max_over_time(bbb:load:total[1d])',
  serverLoadTimestamps: 'timestamp(bbb:load:by_server)',
  cpu: 'instance:cpu_utilisation:rate1m',
  /**
   * Recordings on each server recorded but not yet published or failed (node_exporter's
   * textfile collector on every BBB server). Not bigbluebutton-exporter's
   * bbb_recordings_processing/_unprocessed: read from disk, they count every recording
   * ever left on the server, so a server that had ever recorded would never drain.
   */
  recordingsBacklog:
    'sum by (instance) (bbb_platform_recordings_pending)' +
    ` and on (instance) (time() - max by (instance) (${RECORDING_COUNT_FILE}) < ${RECORDING_COUNT_MAX_AGE_SECONDS})`,
  /** Most meetings each server had over the settle window (see RECORDINGS_SETTLE_MINUTES). */
  recentMeetings: `max_over_time(bbb:meetings:by_server[${RECORDINGS_SETTLE_MINUTES}m])`,
  /** The kernel's boot time on each server (node_exporter); see server-state.ts. */
  bootTime: 'max by (instance) (node_boot_time_seconds)',
  /** A cooldown of 0 minutes has no window: the peak is the current load. */
  peakLoad: (cooldownMinutes: number) =>
    cooldownMinutes > 0 ? `max_over_time(bbb:load:total[${cooldownMinutes}m])` : 'bbb:load:total',
} as const;

/** Samples older than this do not count as a picture of now (a few missed evaluations). */
export const FRESHNESS_LIMIT_SECONDS = 180;

/**
 * Stricter for what lets a server be powered off, its recordings and the meetings
 * Prometheus saw on it: a recorded meeting that began and ended after the server's last
 * sample shows in neither, so the sample may be only a few scrapes old (15 s apart).
 */
export const RECORDINGS_FRESHNESS_SECONDS = 45;
