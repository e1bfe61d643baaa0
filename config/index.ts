export { ConfigError, loadEnvironmentFile, parseEnvironment } from './load';
export type { EnvironmentConfig, ScheduleRule, Weekday } from './schema';
export { IONOS_LOCATIONS, WEEKDAYS } from './formats';
export { maintenanceWindow, DEFAULT_MAINTENANCE_WINDOW, type MaintenanceWindow } from './maintenance';
