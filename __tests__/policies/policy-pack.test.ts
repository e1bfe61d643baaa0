import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, TerraformStack, Testing } from 'cdktf';
import { Construct } from 'constructs';
import { IonoscloudProvider } from '../../.gen/providers/ionoscloud/provider';
import type { Server } from '../../.gen/providers/ionoscloud/server';
import { NullProvider } from '@cdktf/provider-null/lib/provider';
import { Resource as NullResource } from '@cdktf/provider-null/lib/resource';
import { applyPolicies, POLICY_RULES, suppress, type PolicyRule } from '../../policies';
import { PolicyCheckedSynthesizer } from '../../policies/synthesizer';
import { evaluate, network, policyAnnotations, server, synthesizeOne, VIOLATIONS, type Fixture } from './fixtures';

const SSH_TO_WORLD = { firewall: [{ name: 'ssh', protocol: 'TCP', portRangeStart: 22, portRangeEnd: 22, sourceIp: '0.0.0.0/0' }] };

function appFixture(): { app: App; fixture: Fixture; outdir: string } {
  const outdir = mkdtempSync(path.join(tmpdir(), 'policies-'));
  const app = new App({ outdir });
  const stack = new TerraformStack(app, 'example-frontend');
  new IonoscloudProvider(stack, 'ionoscloud', {});
  applyPolicies(stack);
  return { app, outdir, fixture: { stack, ...network(stack) } };
}

describe('the policy pack at synth', () => {
  const outdirs: string[] = [];
  afterAll(() => outdirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  function track<T extends { outdir: string }>(setup: T): T {
    outdirs.push(setup.outdir);
    return setup;
  }

  it('has unique rule ids and a reason for every rule', () => {
    const ids = POLICY_RULES.map((rule) => rule.id);
    expect(new Set(ids).size).toBe(ids.length);
    POLICY_RULES.forEach((rule) => expect(rule.reason.length).toBeGreaterThan(40));
  });

  it('lets a compliant stack synthesize', () => {
    const { app, fixture, outdir } = track(appFixture());
    server(fixture, 'Web');
    app.synth();
    const synthesized = JSON.parse(readFileSync(path.join(outdir, 'stacks', 'example-frontend', 'cdk.tf.json'), 'utf8'));
    expect(Object.keys(synthesized.resource.ionoscloud_server)).toHaveLength(1);
  });

  it('fails app.synth() on SSH open to the world, with path, rule id and reason', () => {
    const { app, fixture } = track(appFixture());
    server(fixture, 'Bbb', { nic: SSH_TO_WORLD });
    expect(() => app.synth()).toThrow(
      /\[example-frontend\/Bbb\] \[NET-INTERNAL-PORTS\] firewall rule 'ssh' on nic 'public' \(public LAN\) opens SSH \(22\) to 0\.0\.0\.0\/0.*Why: SSH, Grafana/,
    );
  });

  it('leaves nothing of a stack that violates a rule in the output', () => {
    const { app, fixture, outdir } = track(appFixture());
    server(fixture, 'Bbb', { nic: SSH_TO_WORLD });
    expect(() => app.synth()).toThrow(VIOLATIONS);
    expect(existsSync(path.join(outdir, 'stacks', 'example-frontend'))).toBe(false);
  });

  it('checks the stack as written, stack-level overrides included', () => {
    const { app, fixture } = track(appFixture());
    new NullProvider(fixture.stack, 'null', {});
    const push = new NullResource(fixture.stack, 'Push', { triggers: { note: 'built' } });
    fixture.stack.addOverride(`resource.null_resource.${push.friendlyUniqueId}.triggers.password`, 'hunter2-but-longer');
    expect(() => app.synth()).toThrow(/\[example-frontend\/Push\] \[SECRET-LITERAL\] argument triggers\.password holds a literal secret/);
  });

  it('checks a stack written as HCL (SYNTH_HCL_OUTPUT) the same way', () => {
    process.env.SYNTH_HCL_OUTPUT = 'true';
    try {
      const compliant = track(appFixture());
      server(compliant.fixture, 'Web');
      compliant.app.synth();
      expect(readFileSync(path.join(compliant.outdir, 'stacks', 'example-frontend', 'cdk.tf'), 'utf8')).toContain('resource "ionoscloud_server"');
      const broken = track(appFixture());
      server(broken.fixture, 'Bbb', { nic: SSH_TO_WORLD });
      expect(() => broken.app.synth()).toThrow(/\[example-frontend\/Bbb\] \[NET-INTERNAL-PORTS\]/);
    } finally {
      delete process.env.SYNTH_HCL_OUTPUT;
    }
  });

  it('hands its warnings to the manifest, where the cdktf CLI prints them from', () => {
    const { app, fixture, outdir } = track(appFixture());
    server(fixture, 'Bbb', { name: 'example-bbb-01', type: 'CUBE' });
    app.synth();
    const manifest = JSON.parse(readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
    expect(manifest.stacks['example-frontend'].annotations).toEqual([
      expect.objectContaining({ constructPath: 'example-frontend/Bbb', level: '@cdktf/warn', message: expect.stringMatching(/^\[BBB-DEDICATED-CORES\]/) }),
      expect.objectContaining({ constructPath: 'example-frontend/Bbb', level: '@cdktf/warn', message: expect.stringMatching(/^\[BBB-PRODUCTION-SIZE\]/) }),
    ]);
  });

  it('fails app.synth() also when validations are skipped', () => {
    const outdir = mkdtempSync(path.join(tmpdir(), 'policies-'));
    outdirs.push(outdir);
    const app = new App({ outdir, skipValidation: true });
    const stack = new TerraformStack(app, 'example-frontend');
    applyPolicies(stack);
    server({ stack, ...network(stack) }, 'Bbb', { nic: SSH_TO_WORLD });
    expect(() => app.synth()).toThrow(/\[example-frontend\/Bbb\] \[NET-INTERNAL-PORTS\] firewall rule 'ssh'/);
  });

  it('still fails when the cdktf CLI asks synth to continue on error annotations', () => {
    process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS = 'true';
    try {
      const { app, fixture } = track(appFixture());
      server(fixture, 'Bbb', { nic: SSH_TO_WORLD });
      expect(() => app.synth()).toThrow(/1 security policy violation\(s\):\n {4}\[example-frontend\/Bbb\] \[NET-INTERNAL-PORTS\]/);
    } finally {
      delete process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS;
    }
  });

  it('lists every violation of a stack in one failure', () => {
    const stack = new TerraformStack(Testing.app(), 'example-bbb');
    applyPolicies(stack);
    const fixture = { stack, ...network(stack) };
    server(fixture, 'One', { nic: { ...SSH_TO_WORLD, firewallActive: false } });
    expect(() => synthesizeOne(stack)).toThrow(/2 security policy violation\(s\)[\s\S]*NET-INTERNAL-PORTS[\s\S]*NET-FIREWALL-ACTIVE/);
  });

  it('checks nothing when Testing.synth only resolves a stack without writing it', () => {
    const stack = new TerraformStack(Testing.app(), 'example-bbb');
    applyPolicies(stack);
    server({ stack, ...network(stack) }, 'Bbb', { nic: SSH_TO_WORLD });
    expect(JSON.parse(Testing.synth(stack)).resource.ionoscloud_server).toBeDefined();
    expect(policyAnnotations(stack)).toEqual([]);
  });

  it('reports a rule that cannot inspect a construct as a violation instead of crashing synth', () => {
    const stack = new TerraformStack(Testing.app(), 'example-bbb');
    const unreadable: PolicyRule = {
      id: 'NET-INTERNAL-PORTS',
      severity: 'error',
      reason: 'test rule',
      check: (node) => {
        if (node === stack) throw new Error('unexpected argument shape');
        return [];
      },
    };
    const synthesizer = new PolicyCheckedSynthesizer(stack, stack.synthesizer, [unreadable]);
    stack.synthesizer = synthesizer;
    expect(() => synthesizeOne(stack)).toThrow(VIOLATIONS);
    expect(synthesizer.violations).toEqual([
      { path: 'example-bbb', message: '[NET-INTERNAL-PORTS] could not be checked: unexpected argument shape. Why: test rule' },
    ]);
  });

  it('checks a stack once even when applyPolicies is called twice', () => {
    const stack = new TerraformStack(Testing.app(), 'example-bbb');
    applyPolicies(stack);
    applyPolicies(stack);
    server({ stack, ...network(stack) }, 'Bbb', { nic: SSH_TO_WORLD });
    expect(() => synthesizeOne(stack)).toThrow(/1 security policy violation\(s\)/);
    expect(policyAnnotations(stack).map((finding) => finding.rule)).toEqual(['NET-INTERNAL-PORTS']);
  });

  it('does not fail synth for warnings', () => {
    const { app, fixture } = track(appFixture());
    server(fixture, 'Bbb', { name: 'example-bbb-01', type: 'CUBE', cores: 8, ram: 16384 });
    expect(() => app.synth()).not.toThrow();
    expect(evaluate(fixture.stack)).toEqual([expect.objectContaining({ level: 'warning', rule: 'BBB-DEDICATED-CORES' })]);
  });
});

describe('suppress', () => {
  it('turns a violation into an info annotation that carries the reason', () => {
    const { app, fixture, outdir } = appFixture();
    try {
      const bastion = server(fixture, 'Bastion', { nic: SSH_TO_WORLD });
      suppress(bastion, 'NET-INTERNAL-PORTS', 'break-glass bastion, SSH keys only, fail2ban, removed after the migration');
      expect(() => app.synth()).not.toThrow();
      expect(evaluate(fixture.stack)).toEqual([
        expect.objectContaining({
          level: 'info',
          path: 'example-frontend/Bastion',
          message: expect.stringContaining('[NET-INTERNAL-PORTS] suppressed (break-glass bastion, SSH keys only'),
        }),
      ]);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });

  it('applies to everything below the construct it is set on, for that rule only', () => {
    const stack = new TerraformStack(Testing.app(), 'example-bbb');
    applyPolicies(stack);
    const fixture = { stack, ...network(stack) };
    const group = new Construct(stack, 'Legacy');
    suppress(group, 'NET-FIREWALL-ACTIVE', 'legacy appliance filters traffic itself until it is replaced');
    const inner: Server = server(fixture, 'Appliance', { nic: { ...SSH_TO_WORLD, firewallActive: false } }, group);
    const findings = evaluate(stack).filter((finding) => finding.path === inner.node.path);
    expect(findings.map((finding) => [finding.rule, finding.level])).toEqual([
      ['NET-INTERNAL-PORTS', 'error'],
      ['NET-FIREWALL-ACTIVE', 'info'],
    ]);
  });

  it('rejects an empty reason and an unknown rule id', () => {
    const stack = new TerraformStack(Testing.app(), 'example-bbb');
    expect(() => suppress(stack, 'NET-INTERNAL-PORTS', '   ')).toThrow(
      "suppress(example-bbb, 'NET-INTERNAL-PORTS'): a reason of at least 10 characters is required, got '   '",
    );
    expect(() => suppress(stack, 'NO-SUCH-RULE', 'a perfectly good reason')).toThrow(/unknown rule 'NO-SUCH-RULE'; known rules: NET-INTERNAL-PORTS, /);
  });
});
