import { Construct } from 'constructs';
import { ApplicationLoadbalancer } from '../../.gen/providers/ionoscloud/application-loadbalancer';
import {
  ApplicationLoadbalancerForwardingrule,
  type ApplicationLoadbalancerForwardingruleHttpRules,
} from '../../.gen/providers/ionoscloud/application-loadbalancer-forwardingrule';
import { TargetGroup } from '../../.gen/providers/ionoscloud/target-group';
import { privateAddress, withPrefix, type Network } from '../network';
import { resourceName } from '../../conventions/naming';
import type { ManagedCertificate } from '../tls';

/** A group of node ports behind the load balancer and how the balancer checks them. */
export interface BackendSpec {
  /** Physical name suffix, e.g. `scalelite` -> `example-scalelite`. */
  readonly purpose: string;
  /** Host name this backend answers; requests for other names go to the default backend. */
  readonly host: string;
  readonly port: number;
  readonly healthPath: string;
  /** `RESPONSE_BODY` when the endpoint signals failure in the body with status 200 (Scalelite does). */
  readonly healthMatch: { readonly type: 'STATUS_CODE' | 'RESPONSE_BODY'; readonly response: string };
}

export interface ScaleliteLoadBalancerProps {
  readonly environment: string;
  readonly network: Network;
  readonly certificate: ManagedCertificate;
  /** Private addresses of the nodes; fixed, so replacing a node leaves the target groups unchanged. */
  readonly targetIps: readonly string[];
  /** The first backend is the default for HTTPS requests. */
  readonly backends: readonly BackendSpec[];
}

/**
 * The IONOS Application Load Balancer in front of the Scalelite nodes: HTTPS on the
 * reserved public address with the managed certificate (protocol versions and ciphers
 * are IONOS' choice; the provider has no setting for them), forwarding by host name
 * to one target group per backend, and plain HTTP answered with a permanent redirect
 * to HTTPS. Targets are health-checked, so a node that is stopped, replaced or
 * unhealthy drops out while the others serve.
 */
export class ScaleliteLoadBalancer extends Construct {
  readonly loadBalancer: ApplicationLoadbalancer;
  readonly targetGroups: Record<string, TargetGroup> = {};
  readonly httpsRule: ApplicationLoadbalancerForwardingrule;
  readonly httpRedirectRule: ApplicationLoadbalancerForwardingrule;

  constructor(scope: Construct, id: string, props: ScaleliteLoadBalancerProps) {
    super(scope, id);
    const { network, environment, backends } = props;
    if (backends.length === 0) throw new Error(`${this.node.path}: backends: at least one is required`);
    if (props.targetIps.length === 0) throw new Error(`${this.node.path}: targetIps: at least one node is required`);
    const listenerIp = network.loadBalancerAddress.ip;

    this.loadBalancer = new ApplicationLoadbalancer(this, 'LoadBalancer', {
      datacenterId: network.datacenter.id,
      name: resourceName(environment, 'alb'),
      listenerLan: network.publicLanId,
      ips: [listenerIp],
      targetLan: network.privateLanId,
      lbPrivateIps: [withPrefix(privateAddress.loadBalancer)],
    });

    for (const backend of backends) {
      this.targetGroups[backend.purpose] = new TargetGroup(this, `${pascal(backend.purpose)}Targets`, {
        name: resourceName(environment, backend.purpose),
        algorithm: 'ROUND_ROBIN',
        protocol: 'HTTP',
        protocolVersion: 'HTTP1',
        targets: props.targetIps.map((ip) => ({ ip, port: backend.port, weight: 100, healthCheckEnabled: true, maintenanceEnabled: false })),
        healthCheck: { checkInterval: 5000, checkTimeout: 3000, retries: 2 },
        httpHealthCheck: {
          path: backend.healthPath,
          method: 'GET',
          matchType: backend.healthMatch.type,
          response: backend.healthMatch.response,
          regex: false,
          negate: false,
        },
      });
    }

    const [defaultBackend, ...hostBackends] = backends;
    const forward = (backend: BackendSpec, withHost: boolean): ApplicationLoadbalancerForwardingruleHttpRules => ({
      name: `forward-${backend.purpose}`,
      type: 'FORWARD',
      targetGroup: this.targetGroups[backend.purpose].id,
      ...(withHost ? { conditions: [hostIs(backend.host)] } : {}),
    });
    this.httpsRule = new ApplicationLoadbalancerForwardingrule(this, 'Https', {
      datacenterId: network.datacenter.id,
      applicationLoadbalancerId: this.loadBalancer.id,
      name: resourceName(environment, 'https'),
      protocol: 'HTTP',
      listenerIp,
      listenerPort: 443,
      // Large recording downloads and slow school networks: 5 minutes before giving up on a client.
      clientTimeout: 300000,
      serverCertificates: [props.certificate.certificateId],
      // Rules are evaluated in order; the host-specific ones come before the default.
      httpRules: [...hostBackends.map((backend) => forward(backend, true)), forward(defaultBackend, false)],
    });

    const redirect = (backend: BackendSpec, withHost: boolean): ApplicationLoadbalancerForwardingruleHttpRules => ({
      name: `https-${backend.purpose}`,
      type: 'REDIRECT',
      location: `https://${backend.host}`,
      statusCode: 301,
      dropQuery: false,
      ...(withHost ? { conditions: [hostIs(backend.host)] } : {}),
    });
    this.httpRedirectRule = new ApplicationLoadbalancerForwardingrule(this, 'HttpRedirect', {
      datacenterId: network.datacenter.id,
      applicationLoadbalancerId: this.loadBalancer.id,
      name: resourceName(environment, 'http-redirect'),
      protocol: 'HTTP',
      listenerIp,
      listenerPort: 80,
      httpRules: [...hostBackends.map((backend) => redirect(backend, true)), redirect(defaultBackend, false)],
    });
  }
}

function hostIs(host: string) {
  return { type: 'HOST', condition: 'EQUALS', value: host, negate: false };
}

function pascal(text: string): string {
  return text.replace(/(^|-)([a-z])/g, (_, __, letter: string) => letter.toUpperCase());
}
