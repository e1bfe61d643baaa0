export { BbbPool, AUTOSCALER_OWNED_ATTRIBUTES, type BbbPoolProps, type ScaleliteEndpoint } from './bbb-pool';
export { ApplySize, APPLY_SIZE_SCRIPT, type ApplySizeProps } from './apply-size';
export {
  renderBbbCloudConfig,
  DEFAULT_NFS_MOUNT_OPTIONS,
  type BbbMachine,
  type RecordingsShare,
  type TurnEndpoint,
} from './bbb-cloud-config';
export { bbbInboundRules, sshRules, BBB_MEDIA_PORTS, EXPORTER_PORTS } from './firewall';
export { bbbApiUrl, type CoordinationRedis, type Inventory, type InventoryServer } from './inventory';
export { BBB_RELEASES, SCALELITE_RELEASE, bbbRelease, type BbbRelease } from './release';
