export { ConfigError, keyPosition, loadEnvironmentFile, parseEnvironment } from './load';
export { collisionProblems, type LoadedEnvironment } from './collisions';
export type { EnvironmentConfig, ScheduleRule, Weekday } from './schema';
export { IONOS_LOCATIONS, WEEKDAYS } from './formats';
export { DEFAULT_SMARTHOST, greenlightMailFrom, mailRelay, type MailRelay } from './mail-relay';
export { bbbMaintenance, maintenanceWindow, DEFAULT_BBB_MAINTENANCE, DEFAULT_MAINTENANCE_WINDOW, type BbbMaintenance, type MaintenanceWindow } from './maintenance';
