import { Fn, TerraformLocal } from 'cdktf';
import { CLOUD_CONFIG, findingsOf, policyFixture, server } from './fixtures';

const RULE = 'SSH-NO-PASSWORD';
const volume = (userData?: string) => ({ name: 'system', size: 20, diskType: 'SSD Standard', userData });

describe(RULE, () => {
  it('accepts ssh_pwauth: false as Fn.base64encode, base64 literal, plain literal, local, and in a MIME part', () => {
    const fixture = policyFixture();
    server(fixture, 'Encoded');
    server(fixture, 'Base64', { volume: volume(Buffer.from(CLOUD_CONFIG).toString('base64')) });
    server(fixture, 'Plain', { volume: volume(CLOUD_CONFIG) });
    const local = new TerraformLocal(fixture.stack, 'user_data', Fn.base64encode(CLOUD_CONFIG));
    server(fixture, 'ViaLocal', { volume: volume(local.asString) });
    const mime = [
      'Content-Type: multipart/mixed; boundary="==BOUNDARY=="',
      'MIME-Version: 1.0',
      '',
      '--==BOUNDARY==',
      'Content-Type: text/cloud-config; charset="us-ascii"',
      '',
      CLOUD_CONFIG,
      '--==BOUNDARY==--',
    ].join('\n');
    server(fixture, 'Mime', { volume: volume(Buffer.from(mime).toString('base64')) });
    expect(findingsOf(fixture.stack, RULE)).toEqual([]);
  });

  it('rejects user_data that enables or omits ssh_pwauth, or is a shell script', () => {
    const fixture = policyFixture();
    server(fixture, 'Enabled', { volume: volume(Fn.base64encode(CLOUD_CONFIG.replace('ssh_pwauth: false', 'ssh_pwauth: true'))) });
    server(fixture, 'Omitted', { volume: volume(Fn.base64encode(CLOUD_CONFIG.replace('ssh_pwauth: false\n', ''))) });
    server(fixture, 'Script', { volume: volume(Fn.base64encode('#!/bin/sh\necho hello\n')) });
    server(fixture, 'Missing', { volume: volume(undefined) });
    const messages = Object.fromEntries(findingsOf(fixture.stack, RULE).map((finding) => [finding.path, finding.message]));
    expect(messages['fixture/Enabled']).toContain('volume.user_data (base64encode()) sets ssh_pwauth to something other than false');
    expect(messages['fixture/Omitted']).toContain('does not set ssh_pwauth: false');
    expect(messages['fixture/Script']).toContain('is not a #cloud-config document');
    expect(messages['fixture/Missing']).toContain('volume has no user_data');
  });

  it('rejects user_data that only exists at apply time', () => {
    const fixture = policyFixture();
    const other = server(fixture, 'Source');
    server(fixture, 'Computed', { volume: volume(Fn.base64encode(other.name)) });
    server(fixture, 'Referenced', { volume: volume(other.hostname) });
    const messages = Object.fromEntries(findingsOf(fixture.stack, RULE).map((finding) => [finding.path, finding.message]));
    expect(Object.keys(messages).sort()).toEqual(['fixture/Computed', 'fixture/Referenced']);
    expect(messages['fixture/Referenced']).toContain('computed at apply time');
    expect(messages['fixture/Computed']).toContain('is not a #cloud-config document');
  });
});
