export { ConfigError, loadEnvironmentFile, parseEnvironment } from './load';
export type { EnvironmentConfig, ScheduleRule, Weekday } from './schema';
export { IONOS_LOCATIONS, WEEKDAYS } from './formats';
