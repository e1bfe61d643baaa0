/**
 * The load balancer, its rules and target groups, managed certificates and DNS, from
 * ionos-cloud/terraform-provider-ionoscloud v6.7.12 ionoscloud/resource_application_loadbalancer.go,
 * resource_application_loadbalancer_forwardingrule.go, resource_target_group.go,
 * resource_certificate_manager_auto_certificate.go, resource_certificate_manager_provider.go,
 * resource_dns_zone.go and resource_dns_record.go.
 */
import type { ResourceBehaviour } from '../../engine/behaviour';
import { intBetween, isUuid, notWhiteSpace, oneOf, type Check } from '../../engine/checks';
import { uuid } from './cloud-values';

/** validation.IntInSlice */
function intOneOf(allowed: readonly number[]): Check {
  return (value, key) =>
    typeof value === 'number' && !allowed.includes(value) ? `expected ${key} to be one of [${allowed.join(' ')}], got ${value}` : undefined;
}

export const applicationLoadBalancer: ResourceBehaviour = {
  replaceOn: ['datacenter_id'],
  checks: { name: notWhiteSpace },
};

export const forwardingRule: ResourceBehaviour = {
  replaceOn: ['datacenter_id', 'application_loadbalancer_id'],
  checks: {
    name: notWhiteSpace,
    protocol: oneOf(['HTTP'], true),
    listener_ip: notWhiteSpace,
    listener_port: intBetween(1, 65535),
    server_certificates: isUuid,
    'http_rules.name': notWhiteSpace,
    'http_rules.type': oneOf(['FORWARD', 'STATIC', 'REDIRECT'], true),
    'http_rules.status_code': intOneOf([301, 302, 303, 307, 308, 200, 503, 599]),
    'http_rules.conditions.type': oneOf(['HEADER', 'PATH', 'QUERY', 'METHOD', 'HOST', 'COOKIE', 'SOURCE_IP'], true),
    'http_rules.conditions.condition': oneOf(['EXISTS', 'CONTAINS', 'EQUALS', 'MATCHES', 'STARTS_WITH', 'ENDS_WITH'], true),
    datacenter_id: isUuid,
    application_loadbalancer_id: isUuid,
  },
};

export const targetGroup: ResourceBehaviour = {
  checks: {
    name: notWhiteSpace,
    algorithm: oneOf(['ROUND_ROBIN', 'LEAST_CONNECTION', 'RANDOM', 'SOURCE_IP'], true),
    protocol: oneOf(['HTTP'], true),
    protocol_version: oneOf(['HTTP1', 'HTTP2'], true),
    'targets.ip': notWhiteSpace,
    'targets.proxy_protocol': oneOf(['none', 'v1', 'v2', 'v2ssl'], true),
    'health_check.retries': intBetween(1, 65535),
    'http_health_check.method': oneOf(['HEAD', 'PUT', 'POST', 'GET', 'TRACE', 'PATCH', 'OPTIONS'], true),
    'http_health_check.match_type': oneOf(['STATUS_CODE', 'RESPONSE_BODY'], true),
    'http_health_check.response': notWhiteSpace,
  },
};

export const autoCertificate: ResourceBehaviour = {
  replaceOn: ['provider_id', 'location', 'common_name', 'key_algorithm', 'subject_alternative_names'],
  computed: { last_issued_certificate_id: () => uuid() },
};

export const autoCertificateProvider: ResourceBehaviour = {
  replaceOn: ['email', 'server', 'location', 'external_account_binding', 'external_account_binding.key_id', 'external_account_binding.key_secret'],
};

export const dnsZone: ResourceBehaviour = {
  computed: { nameservers: () => ['ns-ic.ui-dns.com', 'ns-ic.ui-dns.de', 'ns-ic.ui-dns.org', 'ns-ic.ui-dns.biz'], enabled: () => true },
};

export const dnsRecord: ResourceBehaviour = {
  computed: { ttl: () => 3600, enabled: () => true },
};
