import { Construct } from 'constructs';
import { AutoCertificate } from '../../.gen/providers/ionoscloud/auto-certificate';
import { AutoCertificateProvider } from '../../.gen/providers/ionoscloud/auto-certificate-provider';
import type { EnvironmentConfig } from '../../config';
import { resourceName } from '../../conventions/naming';

export const LETS_ENCRYPT_DIRECTORY = 'https://acme-v02.api.letsencrypt.org/directory';

export interface ManagedCertificateProps {
  readonly config: Pick<EnvironmentConfig, 'name' | 'location' | 'acmeEmail' | 'domain'>;
  /** Host names on the certificate; the first is its common name. All must lie in the environment's Cloud DNS zone. */
  readonly names: readonly string[];
  /** Names the certificate in the Certificate Manager, e.g. `lb` -> `example-lb`. */
  readonly purpose: string;
  /** @default the ACME directory of Let's Encrypt (production) */
  readonly acmeDirectory?: string;
}

/**
 * A certificate that IONOS' Certificate Manager issues and renews itself through
 * ACME (DNS-01 against the environment's Cloud DNS zone), for TLS terminated by an
 * IONOS load balancer. Renewal happens 30 days before expiry and yields a new
 * certificate id (`certificateId`); the previous certificate stays valid, so the
 * next deploy moves the load balancer to the new id without a gap.
 */
export class ManagedCertificate extends Construct {
  readonly acmeProvider: AutoCertificateProvider;
  readonly certificate: AutoCertificate;
  readonly names: readonly string[];

  constructor(scope: Construct, id: string, props: ManagedCertificateProps) {
    super(scope, id);
    const { config, names } = props;
    if (names.length === 0) {
      throw new Error(`${this.node.path}: names: at least one host name is required`);
    }
    const outside = names.filter((name) => !name.endsWith(`.${config.domain}`));
    if (outside.length > 0) {
      throw new Error(`${this.node.path}: names: ${outside.join(', ')} not in the DNS zone ${config.domain}; ACME validation needs the zone`);
    }
    this.names = [...names];

    this.acmeProvider = new AutoCertificateProvider(this, 'AcmeProvider', {
      name: resourceName(config.name, 'letsencrypt'),
      email: config.acmeEmail,
      server: props.acmeDirectory ?? LETS_ENCRYPT_DIRECTORY,
      location: config.location,
    });
    const [commonName, ...alternativeNames] = names;
    this.certificate = new AutoCertificate(this, 'Certificate', {
      name: resourceName(config.name, props.purpose),
      providerId: this.acmeProvider.id,
      location: config.location,
      commonName,
      subjectAlternativeNames: alternativeNames.length > 0 ? alternativeNames : undefined,
      keyAlgorithm: 'rsa4096',
    });
  }

  /** The id of the most recently issued certificate, as load balancer forwarding rules reference it. */
  get certificateId(): string {
    return this.certificate.lastIssuedCertificateId;
  }
}
