import { TerraformOutput, Testing, TerraformStack } from 'cdktf';
import { ManagedCertificate, LETS_ENCRYPT_DIRECTORY } from '../../constructs/tls';
import { exampleConfig } from '../../testing/synth';

const config = exampleConfig();

function synth(names: string[]) {
  const stack = new TerraformStack(Testing.app(), 'test');
  const certificate = new ManagedCertificate(stack, 'Certificate', { config, names, purpose: 'lb' });
  new TerraformOutput(stack, 'certificate_id', { value: certificate.certificateId });
  return { json: JSON.parse(Testing.synth(stack)) };
}

describe('ManagedCertificate', () => {
  const { json } = synth(['scalelite.bbb.example.org', 'greenlight.bbb.example.org']);
  const [provider] = Object.values(json.resource.ionoscloud_auto_certificate_provider) as any[];
  const [issued] = Object.values(json.resource.ionoscloud_auto_certificate) as any[];

  it("registers a Let's Encrypt ACME account with the environment's e-mail in its location", () => {
    expect(provider).toMatchObject({ email: 'ops@example.org', server: LETS_ENCRYPT_DIRECTORY, location: 'de/fra', name: 'example-letsencrypt' });
    expect(provider.external_account_binding).toBeUndefined();
  });

  it('requests one certificate for all names, the first as common name', () => {
    expect(issued).toMatchObject({
      common_name: 'scalelite.bbb.example.org',
      subject_alternative_names: ['greenlight.bbb.example.org'],
      location: 'de/fra',
      name: 'example-lb',
    });
    expect(issued.provider_id).toMatch(/^\$\{ionoscloud_auto_certificate_provider\.[^.]+\.id\}$/);
  });

  it('gives load balancers the id of the most recently issued certificate', () => {
    expect(json.output.certificate_id.value).toMatch(/^\$\{ionoscloud_auto_certificate\.[^.]+\.last_issued_certificate_id\}$/);
  });

  it('omits alternative names for a single-name certificate', () => {
    const single = synth(['scalelite.bbb.example.org']).json;
    const [only] = Object.values(single.resource.ionoscloud_auto_certificate) as any[];
    expect(only.subject_alternative_names).toBeUndefined();
  });

  it('rejects a name outside the DNS zone, since ACME validation happens in the zone', () => {
    expect(() => synth(['scalelite.bbb.example.org', 'www.other.org'])).toThrow(
      'Certificate: names: www.other.org not in the DNS zone bbb.example.org; ACME validation needs the zone',
    );
  });

  it('rejects an empty name list', () => {
    expect(() => synth([])).toThrow('Certificate: names: at least one host name is required');
  });
});
