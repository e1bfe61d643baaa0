export { OPS_USER, renderCloudConfig, type CloudConfig, type WriteFile } from './cloud-config';
