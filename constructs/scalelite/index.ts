export { Scalelite, type ScaleliteProps } from './scalelite';
export { ScaleliteLoadBalancer, type BackendSpec, type ScaleliteLoadBalancerProps } from './load-balancer';
export { ScaleliteConfigPush, APPLY_COMMANDS, type ScaleliteConfigPushProps } from './config-push';
export {
  GREENLIGHT_PORT,
  PROJECT_DIR,
  SCALELITE_PORT,
  SINGLETON_LOCK_KEY,
  MIGRATION_LOCK_KEY,
  nodeFiles,
  singletonServices,
  type GreenlightMail,
  type NodeFile,
  type NodeSettings,
} from './node-files';
export { nodeCloudConfig } from './node-cloud-config';
export { GREENLIGHT_VERSION, SCALELITE_VERSION } from './versions';
