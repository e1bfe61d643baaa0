export { buildPlatform, type Platform } from './platform';
export { NetworkStack } from './network-stack';
export { PlatformStack } from './platform-stack';
