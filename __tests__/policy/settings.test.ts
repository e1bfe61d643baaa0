import { join } from 'node:path';
import { loadEnvironmentFile } from '../../config';
import {
  DEFAULT_BOOT_MARGIN_MINUTES,
  DEFAULT_BOOT_MINUTES,
  DEFAULT_LOOKAHEAD_MARGIN_MINUTES,
  DEFAULT_PREWARM_MINUTES,
  DEFAULT_WEBCAM_WEIGHT,
  inventoryPolicyFromEnvironment,
  settingsFromEnvironment,
  settingsFromInventoryPolicy,
} from '../../functions/autoscaler/policy';

const example = loadEnvironmentFile(join(__dirname, '../../environments/example.yaml'));

describe('policy settings', () => {
  it('take the pool, size and autoscaler section of the environment', () => {
    expect(settingsFromEnvironment(example)).toEqual({
      poolSize: 20,
      minRunning: 4,
      baseCores: 8,
      baseRamGb: 16,
      capacityPerServer: 200,
      targetUtilization: 0.6,
      scaleInCooldownMinutes: 15,
      keepStartedMinutes: 10,
      historyWeeks: 3,
      shutdownTimeoutMinutes: 5,
      intervalSeconds: 60,
      schedule: example.autoscaler.schedule,
      vertical: { enabled: true, maxCores: 16, maxRamGb: 32 },
      prewarmMinutes: DEFAULT_PREWARM_MINUTES,
      bootMinutes: DEFAULT_BOOT_MINUTES,
      bootMarginMinutes: DEFAULT_BOOT_MARGIN_MINUTES,
      lookaheadMarginMinutes: DEFAULT_LOOKAHEAD_MARGIN_MINUTES,
      webcamWeight: DEFAULT_WEBCAM_WEIGHT,
      maintenance: { enabled: true, everyDays: 1, maxParallel: 4, serverMinutes: 30, window: { from: '01:00', to: '05:00', timezone: 'Europe/Berlin' } },
    });
  });

  it('are the same from the inventory policy block, which survives JSON', () => {
    const block = JSON.parse(JSON.stringify(inventoryPolicyFromEnvironment(example)));
    expect(block).toEqual({
      poolSize: 20,
      minRunning: 4,
      baseCores: 8,
      baseRamGb: 16,
      autoscaler: example.autoscaler,
      maintenance: { enabled: true, everyDays: 1, maxParallel: 4, serverMinutes: 30, window: { from: '01:00', to: '05:00', timezone: 'Europe/Berlin' } },
    });
    expect(settingsFromInventoryPolicy(block)).toEqual(settingsFromEnvironment(example));
  });

  it('carry the pinned BigBlueButton version when the release names it', () => {
    expect(inventoryPolicyFromEnvironment(example, '1:3.0.14-1').maintenance).toMatchObject({ bbbVersion: '1:3.0.14-1' });
    expect(inventoryPolicyFromEnvironment(example).maintenance).not.toHaveProperty('bbbVersion');
  });

  it('run no maintenance cycle for an inventory written before the cycle existed', () => {
    const { maintenance: _maintenance, ...older } = inventoryPolicyFromEnvironment(example);
    expect(settingsFromInventoryPolicy(older).maintenance).toEqual({
      enabled: false,
      everyDays: 1,
      maxParallel: 4,
      serverMinutes: 30,
      window: { from: '01:00', to: '05:00', timezone: 'Europe/Berlin' },
    });
  });

  it('take overrides for what the environment does not configure', () => {
    expect(settingsFromEnvironment(example, { bootMinutes: 6, prewarmMinutes: 20 })).toMatchObject({ bootMinutes: 6, prewarmMinutes: 20, webcamWeight: 3 });
  });
});
