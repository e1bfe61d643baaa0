import { Fn, TerraformOutput, TerraformStack, Testing } from 'cdktf';
import { Password } from '@cdktf/provider-random/lib/password';
import fc from 'fast-check';
import { terraformString } from '../../constructs/terraform-string';
import { decodeUserData } from '../../testing/user-data';

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
});
