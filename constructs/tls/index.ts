export { ManagedCertificate, LETS_ENCRYPT_DIRECTORY, type ManagedCertificateProps } from './managed-certificate';
export {
  CERTBOT_WEBROOT,
  ISSUE_SCRIPT,
  ISSUE_SERVICE,
  ISSUED_MARKER,
  certbotCloudConfig,
  certificatePaths,
  tlsNginxInclude,
  type CertbotCloudConfig,
  type CertbotOptions,
} from './certbot';
