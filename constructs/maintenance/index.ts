export {
  maintenance,
  MAINTENANCE_COMMANDS,
  MAINTENANCE_LIB,
  PATCH_STATE_FILE,
  PATCH_STATE_TIMER,
  WINDOW_TIMER,
  type Maintenance,
  type MaintenanceFile,
  type MaintenanceOptions,
  type TierTurn,
  type WindowTurn,
} from './maintenance-files';
export { wholeWindow, windowSlot, type Turn } from './window-turns';
