export { ManagedCertificate, LETS_ENCRYPT_DIRECTORY, type ManagedCertificateProps } from './managed-certificate';
export {
  CERTBOT_WEBROOT,
  ISSUE_SCRIPT,
  certbotCloudConfig,
  certificatePaths,
  tlsNginxInclude,
  type CertbotCloudConfig,
  type CertbotOptions,
} from './certbot';
