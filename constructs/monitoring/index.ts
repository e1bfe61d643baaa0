export { Monitoring, monitoringInboundRules, type MonitoringProps } from './monitoring';
export { monitoringFiles, type AutoscalerDelivery, type MonitoringFilesInput, type MonitoringSecrets } from './files';
export { renderMonitoringCloudConfig } from './cloud-config';
