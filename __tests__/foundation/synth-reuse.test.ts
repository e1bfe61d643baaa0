import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, Aspects, TerraformOutput, TerraformStack, Testing } from 'cdktf';
import { Resource as NullResource } from '@cdktf/provider-null/lib/resource';
import { Password } from '@cdktf/provider-random/lib/password';
import { synthesizeForInspection } from '../../policies/inspect/synthesized';
import { PlatformStack } from '../../stacks/platform-stack';
import { exampleConfig } from '../../testing/synth';

const config = exampleConfig();
/** cdktf's App creates its outdir at once; these tests write nothing else into it. */
const outdir = mkdtempSync(path.join(tmpdir(), 'synth-reuse-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

/** Two stacks with a cross-stack reference, prepared the way app.synth() prepares them. */
function prepared() {
  const app = new App({ outdir });
  const producer = new PlatformStack(app, config, 'producer');
  const secret = new Password(producer, 'Secret', { length: 16, special: false });
  const consumer = new PlatformStack(app, config, 'consumer');
  const push = new NullResource(consumer, 'Push', { triggers: { secret: secret.result, note: 'first' } });
  for (const stack of [producer, consumer]) stack.prepareStack();
  return { producer, consumer, push };
}

const cdktfOwn = (stack: TerraformStack) => JSON.stringify(TerraformStack.prototype.toTerraform.call(stack));

describe('synth reuse of resolved fragments', () => {
  it('gives what cdktf gives, cross-stack references included', () => {
    const { producer, consumer } = prepared();
    expect(JSON.stringify(consumer.toTerraform())).toBe(cdktfOwn(consumer));
    expect(JSON.stringify(producer.toTerraform())).toBe(cdktfOwn(producer));
    expect(JSON.stringify(consumer.toTerraform())).toContain('data.terraform_remote_state');
  });

  it('resolves an element changed after preparing afresh', () => {
    const { consumer, push } = prepared();
    push.triggers = { note: 'second' };
    const written = consumer.toTerraform() as { resource: { null_resource: Record<string, { triggers: unknown }> } };
    expect(Object.values(written.resource.null_resource)[0].triggers).toEqual({ note: 'second' });
  });

  it('resolves elements added after preparing', () => {
    const { consumer } = prepared();
    new TerraformOutput(consumer, 'late', { value: 'added after preparing' });
    expect((consumer.toTerraform() as { output: Record<string, { value: string }> }).output.late.value).toBe('added after preparing');
  });

  it('writes what the policy pass resolved, unless something was added since', () => {
    const { consumer } = prepared();
    const inspected = synthesizeForInspection(consumer);
    expect(consumer.toTerraform()).toBe(inspected);

    synthesizeForInspection(consumer);
    new TerraformOutput(consumer, 'late', { value: 'added after inspection' });
    expect((consumer.toTerraform() as { output: Record<string, { value: string }> }).output.late.value).toBe('added after inspection');
  });

  it('writes what a later aspect changed after the policy pass', () => {
    const app = new App({ outdir });
    const stack = new PlatformStack(app, config, 'aspects');
    const push = new NullResource(stack, 'Push', { triggers: { note: 'built' } });
    Aspects.of(stack).add({
      visit: (node) => {
        if (node === push) push.triggers = { note: 'changed by an aspect' };
      },
    });
    const written = JSON.parse(Testing.synth(stack)) as { resource: { null_resource: Record<string, { triggers: unknown }> } };
    expect(Object.values(written.resource.null_resource)[0].triggers).toEqual({ note: 'changed by an aspect' });
  });

  it('writes a fresh document each time, so changing one leaves the kept resolution intact', () => {
    const { consumer } = prepared();
    const first = consumer.toTerraform() as { resource: { null_resource: Record<string, { triggers: Record<string, string> }> } };
    Object.values(first.resource.null_resource)[0].triggers.note = 'edited by a reader';
    expect(JSON.stringify(consumer.toTerraform())).toBe(cdktfOwn(consumer));
  });

  it('writes stack overrides and the metadata cdktf writes', () => {
    const { consumer } = prepared();
    consumer.addOverride('terraform.required_version', '>= 1.5');
    const written = consumer.toTerraform() as { terraform: { required_version: string }; '//': { metadata: { overrides?: unknown } } };
    expect(written.terraform.required_version).toBe('>= 1.5');
    expect(written['//'].metadata.overrides).toMatchObject({ stack: ['terraform'] });
    expect(JSON.stringify(written)).toBe(cdktfOwn(consumer));
  });
});
