import type { IConstruct } from 'constructs';
import { TerraformElement } from 'cdktf';
import { elementType, type ElementIndex } from '../inspect/elements';
import { blocks, isNonEmptyList, literalNumber, literalString } from '../inspect/values';
import type { PolicyRule } from '../rule';

/**
 * Application load balancer listeners: a listener without certificates may only
 * redirect (to https://), and 443 always needs a certificate.
 */
export const tlsListeners: PolicyRule = {
  id: 'TLS-LISTENER',
  severity: 'error',
  reason: 'BigBlueButton and Scalelite carry API checksums, session cookies and meeting links; plain HTTP exposes them, so port 80 exists only to redirect to HTTPS',
  check(node: IConstruct, index: ElementIndex): string[] {
    if (!TerraformElement.isTerraformElement(node) || elementType(node) !== 'ionoscloud_application_loadbalancer_forwardingrule') return [];
    const body = index.body(node);
    if (isNonEmptyList(body.server_certificates)) return [];
    const port = literalNumber(body.listener_port);
    if (port === 443) return ['listener on 443 has no server_certificates'];
    const rules = blocks(body.http_rules);
    const listener = `plain HTTP listener on ${port ?? 'a computed port'}`;
    if (rules.length === 0) return [`${listener} has no http_rules; it must only redirect to https://`];
    return rules.flatMap((rule, position) => {
      const name = literalString(rule.name) ?? `#${position + 1}`;
      const type = literalString(rule.type)?.toUpperCase();
      if (type !== 'REDIRECT') return [`${listener}: http rule '${name}' is ${type ?? 'not a literal type'}, only REDIRECT is allowed`];
      const location = literalString(rule.location);
      if (location !== undefined && !location.toLowerCase().startsWith('https://')) {
        return [`${listener}: http rule '${name}' redirects to ${location}, not to https://`];
      }
      return [];
    });
  },
};
