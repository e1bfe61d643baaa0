/**
 * Builds the policy settings from the environment config (simulator, tests) or from
 * the inventory's `policy` block (the deployed function). Both carry the same content.
 */
import { bbbMaintenance, DEFAULT_BBB_MAINTENANCE, DEFAULT_MAINTENANCE_WINDOW, maintenanceWindow, type EnvironmentConfig } from '../../../config';
import type { InventoryPolicy, MaintenanceSettings, PolicySettings } from './types';

/** Minutes a schedule rule is applied before its `from`: a boot plus Scalelite's health checks, with margin. */
export const DEFAULT_PREWARM_MINUTES = 10;
/** Minutes from a start request until a server's BBB API answers (IONOS boot + BBB services up). */
export const DEFAULT_BOOT_MINUTES = 4;
/**
 * Minutes beyond bootMinutes before a server whose BBB API does not answer counts as
 * unhealthy rather than booting: a slow first boot still fits, a BBB that failed to come
 * up stops holding back a replacement after 10 minutes.
 */
export const DEFAULT_BOOT_MARGIN_MINUTES = 6;
/** See PolicySettings.lookaheadMarginMinutes; chosen with the benchmark (docs/simulator.md). */
export const DEFAULT_LOOKAHEAD_MARGIN_MINUTES = 0;
/** A webcam stream costs a BBB server about as much as three listening participants. */
export const DEFAULT_WEBCAM_WEIGHT = 3;

export type SettingsOverrides = Partial<Pick<PolicySettings, 'prewarmMinutes' | 'bootMinutes' | 'bootMarginMinutes' | 'lookaheadMarginMinutes' | 'webcamWeight'>>;

export function settingsFromInventoryPolicy(policy: InventoryPolicy, overrides: SettingsOverrides = {}): PolicySettings {
  const { autoscaler } = policy;
  return {
    poolSize: policy.poolSize,
    minRunning: policy.minRunning,
    baseCores: policy.baseCores,
    baseRamGb: policy.baseRamGb,
    capacityPerServer: autoscaler.capacityPerServer,
    targetUtilization: autoscaler.targetUtilization,
    scaleInCooldownMinutes: autoscaler.scaleInCooldownMinutes,
    keepStartedMinutes: autoscaler.keepStartedMinutes,
    historyWeeks: autoscaler.historyWeeks,
    shutdownTimeoutMinutes: autoscaler.shutdownTimeoutMinutes,
    intervalSeconds: autoscaler.intervalSeconds,
    schedule: { timezone: autoscaler.schedule.timezone, rules: autoscaler.schedule.rules },
    vertical: { ...autoscaler.vertical },
    prewarmMinutes: overrides.prewarmMinutes ?? DEFAULT_PREWARM_MINUTES,
    bootMinutes: overrides.bootMinutes ?? DEFAULT_BOOT_MINUTES,
    bootMarginMinutes: overrides.bootMarginMinutes ?? DEFAULT_BOOT_MARGIN_MINUTES,
    lookaheadMarginMinutes: overrides.lookaheadMarginMinutes ?? DEFAULT_LOOKAHEAD_MARGIN_MINUTES,
    webcamWeight: overrides.webcamWeight ?? DEFAULT_WEBCAM_WEIGHT,
    maintenance: policy.maintenance ?? noMaintenance(autoscaler.schedule.timezone),
  };
}

/** An inventory written before the cycle existed: none runs. */
function noMaintenance(timezone: string): MaintenanceSettings {
  return { ...DEFAULT_BBB_MAINTENANCE, enabled: false, window: { ...DEFAULT_MAINTENANCE_WINDOW, timezone } };
}

/**
 * The inventory `policy` block for an environment; the pool construct writes exactly this.
 * `bbbVersion`: the Debian version of `bigbluebutton` the pinned release installs, when the pin names it.
 */
export function inventoryPolicyFromEnvironment(config: EnvironmentConfig, bbbVersion?: string): InventoryPolicy {
  const { from, to, timezone } = maintenanceWindow(config);
  return {
    poolSize: config.bbb.pool.size,
    minRunning: config.bbb.pool.minRunning,
    baseCores: config.bbb.cores,
    baseRamGb: config.bbb.ramGb,
    autoscaler: config.autoscaler,
    maintenance: { ...bbbMaintenance(config), window: { from, to, timezone }, ...(bbbVersion !== undefined && { bbbVersion }) },
  };
}

export function settingsFromEnvironment(config: EnvironmentConfig, overrides: SettingsOverrides = {}): PolicySettings {
  return settingsFromInventoryPolicy(inventoryPolicyFromEnvironment(config), overrides);
}
