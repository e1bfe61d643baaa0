/**
 * The PromQL the autoscaler reads each tick. The recording rules (bbb:*) come from the
 * monitoring part; exporter metric names are bigbluebutton-exporter's.
 */
export const QUERIES = {
  load: 'bbb:load:total',
  loadTimestamp: 'timestamp(bbb:load:total)',
  loadTrendPerMinute: 'deriv(bbb:load:total[5m]) * 60',
  serverLoadTimestamps: 'timestamp(bbb:load:by_server)',
  cpu: 'instance:cpu_utilisation:rate1m',
  recordingsBacklog: 'sum by (instance) ({__name__=~"bbb_recordings_processing|bbb_recordings_unprocessed"})',
  /** Meetings per server in the same scrape as the backlog (see observe.ts). */
  scrapedMeetings: 'bbb:meetings:by_server',
  /** A cooldown of 0 minutes has no window: the peak is the current load. */
  peakLoad: (cooldownMinutes: number) =>
    cooldownMinutes > 0 ? `max_over_time(bbb:load:total[${cooldownMinutes}m])` : 'bbb:load:total',
} as const;

/** Samples older than this do not count as a picture of now (a few missed evaluations). */
export const FRESHNESS_LIMIT_SECONDS = 180;
