import { ApplicationLoadbalancerForwardingrule, type ApplicationLoadbalancerForwardingruleConfig } from '../../.gen/providers/ionoscloud/application-loadbalancer-forwardingrule';
import { AutoCertificate } from '../../.gen/providers/ionoscloud/auto-certificate';
import { findingsOf, policyFixture, type Fixture } from './fixtures';

const RULE = 'TLS-LISTENER';

type ListenerProps = Pick<ApplicationLoadbalancerForwardingruleConfig, 'listenerPort' | 'serverCertificates' | 'httpRules'>;

function listener(fixture: Fixture, id: string, props: ListenerProps): void {
  new ApplicationLoadbalancerForwardingrule(fixture.stack, id, {
    applicationLoadbalancerId: 'alb',
    datacenterId: fixture.datacenter.id,
    listenerIp: '203.0.113.10',
    name: id.toLowerCase(),
    protocol: 'HTTP',
    ...props,
  });
}

const TO_HTTPS = { name: 'to-https', type: 'REDIRECT', location: 'https://scalelite.bbb.example.org', statusCode: 301 };

describe(RULE, () => {
  it('accepts HTTPS with a certificate and an HTTP listener that only redirects', () => {
    const fixture = policyFixture();
    const certificate = new AutoCertificate(fixture.stack, 'Cert', {
      providerId: 'acme',
      commonName: 'scalelite.bbb.example.org',
      location: 'de/fra',
      keyAlgorithm: 'rsa4096',
      name: 'scalelite',
    });
    listener(fixture, 'Https', {
      listenerPort: 443,
      serverCertificates: [certificate.lastIssuedCertificateId],
      httpRules: [{ name: 'forward', type: 'FORWARD', targetGroup: 'tg' }],
    });
    listener(fixture, 'Http', { listenerPort: 80, httpRules: [TO_HTTPS] });
    expect(findingsOf(fixture.stack, RULE)).toEqual([]);
  });

  it('rejects 443 without certificates', () => {
    const fixture = policyFixture();
    listener(fixture, 'Https', { listenerPort: 443, httpRules: [{ name: 'forward', type: 'FORWARD', targetGroup: 'tg' }] });
    const findings = findingsOf(fixture.stack, RULE);
    expect(findings).toEqual([expect.objectContaining({ level: 'error', path: 'fixture/Https' })]);
    expect(findings[0].message).toContain('listener on 443 has no server_certificates');
  });

  it('rejects port 80 forwarding traffic, redirecting to http:// or having no rules', () => {
    const fixture = policyFixture();
    listener(fixture, 'Forward', { listenerPort: 80, httpRules: [TO_HTTPS, { name: 'app', type: 'FORWARD', targetGroup: 'tg' }] });
    listener(fixture, 'Downgrade', { listenerPort: 80, httpRules: [{ ...TO_HTTPS, location: 'http://elsewhere.example.org' }] });
    listener(fixture, 'Bare', { listenerPort: 80 });
    const messages = Object.fromEntries(findingsOf(fixture.stack, RULE).map((finding) => [finding.path, finding.message]));
    expect(messages['fixture/Forward']).toContain("plain HTTP listener on 80: http rule 'app' is FORWARD, only REDIRECT is allowed");
    expect(messages['fixture/Downgrade']).toContain("redirects to http://elsewhere.example.org, not to https://");
    expect(messages['fixture/Bare']).toContain('plain HTTP listener on 80 has no http_rules');
  });
});
