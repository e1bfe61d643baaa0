/**
 * The subset of Prometheus' configuration file the platform writes
 * (https://prometheus.io/docs/prometheus/latest/configuration/configuration/),
 * typed so a misspelt key fails the compiler instead of `promtool check config`.
 */

export interface RelabelConfig {
  readonly source_labels?: readonly string[];
  readonly separator?: string;
  readonly regex?: string;
  readonly target_label?: string;
  readonly replacement?: string;
  readonly action?: 'replace' | 'keep' | 'drop' | 'labelmap' | 'labeldrop' | 'labelkeep';
}

export interface Authorization {
  readonly type: 'Bearer';
  readonly credentials_file: string;
}

export interface IonosSdConfig {
  readonly datacenter_id: string;
  readonly port: number;
  readonly refresh_interval: string;
  readonly authorization: Authorization;
}

export interface FileSdConfig {
  readonly files: readonly string[];
  readonly refresh_interval: string;
}

export interface StaticConfig {
  readonly targets: readonly string[];
  readonly labels?: Readonly<Record<string, string>>;
}

export interface ScrapeConfig {
  readonly job_name: string;
  readonly scrape_interval?: string;
  readonly scrape_timeout?: string;
  readonly metrics_path?: string;
  readonly params?: Readonly<Record<string, readonly string[]>>;
  readonly static_configs?: readonly StaticConfig[];
  readonly ionos_sd_configs?: readonly IonosSdConfig[];
  readonly file_sd_configs?: readonly FileSdConfig[];
  readonly relabel_configs?: readonly RelabelConfig[];
}

export interface PrometheusConfig {
  readonly global: {
    readonly scrape_interval: string;
    readonly evaluation_interval: string;
    readonly external_labels: Readonly<Record<string, string>>;
  };
  readonly rule_files: readonly string[];
  readonly alerting: {
    readonly alertmanagers: ReadonlyArray<{ readonly static_configs: readonly StaticConfig[] }>;
  };
  readonly scrape_configs: readonly ScrapeConfig[];
}
