/**
 * Every metric the platform's exporters expose, by exporter. Dashboards and alerts may
 * only query these or a recording rule (tests enforce it), so a renamed exporter
 * metric fails a test instead of leaving an empty panel.
 */

/** prometheus/node_exporter, :9100 on every VM (only the series the platform reads). */
export const NODE_EXPORTER_METRICS = [
  'node_cpu_seconds_total',
  'node_load1',
  'node_memory_MemAvailable_bytes',
  'node_memory_MemTotal_bytes',
  'node_filesystem_avail_bytes',
  'node_filesystem_size_bytes',
  'node_network_receive_bytes_total',
  'node_network_transmit_bytes_total',
  'node_textfile_mtime_seconds',
] as const;

/**
 * Written on every BBB server by templates/bbb/recording-metrics.sh each minute and
 * served by node_exporter's textfile collector (job `node`).
 */
export const BBB_RECORDING_COUNT_METRICS = ['bbb_platform_recordings_pending', 'bbb_platform_recordings_failed'] as const;

/**
 * Written on every VM by the maintenance commands and platform-patch-state.timer
 * (templates/maintenance/lib.sh, write_patch_state) and served by node_exporter's
 * textfile collector (job `node`). The last-run series exist once a maintenance run
 * has ended on the server.
 */
export const PATCH_STATE_METRICS = [
  'platform_updates_pending',
  'platform_security_updates_pending',
  'platform_security_updates_pending_since_timestamp_seconds',
  'platform_reboot_required',
  'platform_package_lists_updated_timestamp_seconds',
  'platform_maintenance_last_run_timestamp_seconds',
  'platform_maintenance_last_run_success',
  'platform_maintenance_last_success_timestamp_seconds',
] as const;

/**
 * greenstatic/bigbluebutton-exporter, :9688 on BBB servers. Its bbb_recordings_* counts
 * read from disk include every recording ever made here (BigBlueButton keeps status
 * files after publishing) and never fall back to zero; whether a server's recordings
 * are finished is BBB_RECORDING_COUNT_METRICS.
 */
export const BBB_EXPORTER_METRICS = [
  'bbb_api_up',
  'bbb_meetings',
  'bbb_meetings_participants',
  'bbb_meetings_listeners',
  'bbb_meetings_voice_participants',
  'bbb_meetings_video_participants',
  'bbb_recordings_processing',
  'bbb_recordings_unprocessed',
  'bbb_recordings_published',
  'bbb_recordings_deleted',
  'bbb_recordings_unpublished',
] as const;

/** prometheus/blackbox_exporter probes of the public endpoints. */
export const BLACKBOX_METRICS = [
  'probe_success',
  'probe_duration_seconds',
  'probe_http_status_code',
  'probe_ssl_earliest_cert_expiry',
] as const;

/** functions/autoscaler (functions/autoscaler/metrics.ts), :9464. */
export const AUTOSCALER_METRICS = [
  'bbb_autoscaler_desired_servers',
  'bbb_autoscaler_running_servers',
  'bbb_autoscaler_decisions_total',
  'bbb_autoscaler_errors_total',
  'bbb_autoscaler_tick_duration_seconds_bucket',
  'bbb_autoscaler_tick_duration_seconds_sum',
  'bbb_autoscaler_tick_duration_seconds_count',
  'bbb_autoscaler_last_success_timestamp_seconds',
  'bbb_autoscaler_capacity_weighted',
  'bbb_autoscaler_load_weighted',
  'bbb_autoscaler_maintenance_server_state',
  'bbb_autoscaler_maintenance_held',
  'bbb_autoscaler_maintenance_patched_timestamp_seconds',
  'bbb_autoscaler_maintenance_cycle_servers',
  'bbb_autoscaler_maintenance_cycle_open',
  'bbb_autoscaler_maintenance_cycle_active',
  'bbb_autoscaler_maintenance_cycle_halted',
  'bbb_autoscaler_maintenance_cycle_end_timestamp_seconds',
  'bbb_autoscaler_host_key_changed',
] as const;

/** Series Prometheus writes itself for every target. */
export const SCRAPE_METRICS = ['up', 'scrape_duration_seconds'] as const;

export const EXPORTED_METRICS: ReadonlySet<string> = new Set([
  ...NODE_EXPORTER_METRICS,
  ...BBB_RECORDING_COUNT_METRICS,
  ...PATCH_STATE_METRICS,
  ...BBB_EXPORTER_METRICS,
  ...BLACKBOX_METRICS,
  ...AUTOSCALER_METRICS,
  ...SCRAPE_METRICS,
]);
