export { decide } from './decide';
export { weightedLoad, serverCapacity } from './capacity';
export { scheduledMinimum } from './schedule';
export {
  DEFAULT_BOOT_MARGIN_MINUTES,
  DEFAULT_BOOT_MINUTES,
  DEFAULT_LOOKAHEAD_MARGIN_MINUTES,
  DEFAULT_PREWARM_MINUTES,
  DEFAULT_WEBCAM_WEIGHT,
  inventoryPolicyFromEnvironment,
  settingsFromEnvironment,
  settingsFromInventoryPolicy,
  type SettingsOverrides,
} from './settings';
export type * from './types';
