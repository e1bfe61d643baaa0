import { App, Fn, TerraformOutput, TerraformStack, Testing } from 'cdktf';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Password } from '@cdktf/provider-random/lib/password';
import { RandomProvider } from '@cdktf/provider-random/lib/provider';
import fc from 'fast-check';
import { terraformJson, terraformString } from '../../constructs/terraform-string';
import { decodeJoinedText, decodeUserData } from '../../testing/user-data';

/** Synthesizes base64encode(terraformString(before + secret + after)) and reads it back. */
function roundTrip(pieces: string[]): { expression: string; expected: string } {
  const stack = new TerraformStack(Testing.app(), 'text');
  const secret = new Password(stack, 'Secret', { length: 16 });
  const text = pieces.join(secret.result);
  new TerraformOutput(stack, 'out', { value: Fn.base64encode(terraformString(text)) });
  const expression = JSON.parse(Testing.synth(stack)).output.out.value as string;
  return { expression, expected: pieces.join('<secret>') };
}

const standIn = (reference: string) => {
  if (reference !== 'random_password.Secret.result') throw new Error(`unexpected reference ${reference}`);
  return '<secret>';
};

describe('terraformString', () => {
  it('reproduces shell and YAML text with quotes, backslashes and template sequences exactly', () => {
    const pieces = ['#!/bin/bash\necho "${HOME}" \'%{x}\' \\\n  "$(date)"\t', '\r\n$${literal} %%{literal}\n'];
    const { expression, expected } = roundTrip(pieces);
    expect(decodeUserData(expression, standIn)).toBe(expected);
  });

  it('reproduces any text around references', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary' }), { minLength: 1, maxLength: 4 }), (pieces) => {
        const { expression, expected } = roundTrip(pieces);
        expect(decodeUserData(expression, standIn)).toBe(expected);
      }),
      { numRuns: 60 },
    );
  });

  it('renders a reference bare inside the expression and braced at the top level', () => {
    const stack = new TerraformStack(Testing.app(), 'levels');
    const secret = new Password(stack, 'Secret', { length: 16 });
    new TerraformOutput(stack, 'plain', { value: terraformString(`a${secret.result}b`) });
    const output = JSON.parse(Testing.synth(stack)).output;
    expect(output.plain.value).toBe('${join("", ["a", random_password.Secret.result, "b"])}');
  });

  it('turns a reference to another stack into a remote-state lookup', () => {
    const outdir = mkdtempSync(path.join(tmpdir(), 'terraform-string-'));
    try {
      const app = new App({ outdir });
      const secrets = new TerraformStack(app, 'secrets');
      new RandomProvider(secrets, 'random');
      const secret = new Password(secrets, 'Secret', { length: 16 });
      const user = new TerraformStack(app, 'user');
      new TerraformOutput(user, 'out', { value: Fn.base64encode(terraformString(`key: ${secret.result}\n`)) });
      app.synth();
      const read = (name: string) => JSON.parse(readFileSync(path.join(outdir, 'stacks', name, 'cdk.tf.json'), 'utf8'));
      const exported = Object.entries(read('secrets').output as Record<string, { value: string }>);
      expect(exported).toHaveLength(1);
      expect(exported[0][1].value).toBe('${random_password.Secret.result}');
      const value = read('user').output.out.value as string;
      expect(decodeUserData(value, (reference) => {
        expect(reference).toBe(`data.terraform_remote_state.cross-stack-reference-input-secrets.outputs.${exported[0][0]}`);
        return '<secret>';
      })).toBe('key: <secret>\n');
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});

describe('terraformJson', () => {
  /** Terraform's value of jsonencode(<reference or joined text>), the secret standing in as <secret>. */
  const jsonStandIn = (reference: string): string => {
    const inner = /^jsonencode\((.+)\)$/s.exec(reference)?.[1] ?? '';
    if (inner === 'random_password.Secret.result') return JSON.stringify('<secret>');
    if (inner.startsWith('join(')) return JSON.stringify(decodeJoinedText(`\${${inner}}`, standIn));
    throw new Error(`unexpected reference ${reference}`);
  };

  function rendered(build: (secret: string) => unknown): unknown {
    const stack = new TerraformStack(Testing.app(), 'json');
    const secret = new Password(stack, 'Secret', { length: 16 });
    new TerraformOutput(stack, 'out', { value: terraformJson(build(secret.result)) });
    return JSON.parse(decodeJoinedText(JSON.parse(Testing.synth(stack)).output.out.value, jsonStandIn));
  }

  it('renders nested data with references as JSON strings, keeping key order and leaving out undefined', () => {
    const value = rendered((secret) => ({
      name: 'bbb-01 "quoted" ${literal} %{directive}',
      secret,
      url: `https://user:${secret}@bbb.example.org/api`,
      sizes: [8, 16.5, true, null, undefined],
      nested: { empty: {}, list: [], skipped: undefined },
    }));
    expect(value).toEqual({
      name: 'bbb-01 "quoted" ${literal} %{directive}',
      secret: '<secret>',
      url: 'https://user:<secret>@bbb.example.org/api',
      sizes: [8, 16.5, true, null],
      nested: { empty: {}, list: [] },
    });
    expect(Object.keys(value as object)).toEqual(['name', 'secret', 'url', 'sizes', 'nested']);
  });

  it('round-trips any JSON value around references', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (json) => {
        expect(rendered((secret) => ({ before: json, secret, after: [json] }))).toEqual(
          JSON.parse(JSON.stringify({ before: json, secret: '<secret>', after: [json] })),
        );
      }),
      { numRuns: 60 },
    );
  });
});
