export { buildPlatform, type Platform } from './platform';
export { BbbStack, type BbbStackProps } from './bbb-stack';
export { FrontendStack, type FrontendStackProps } from './frontend-stack';
export { MonitoringStack, type MonitoringStackProps } from './monitoring-stack';
export { NetworkStack } from './network-stack';
export { PlatformStack } from './platform-stack';
