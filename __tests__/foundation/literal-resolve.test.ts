import { DefaultTokenResolver, Fn, Lazy, StringConcat, TerraformStack, Testing, Token, Tokenization } from 'cdktf';
import { Password } from '@cdktf/provider-random/lib/password';
import fc from 'fast-check';
import { resolveFragment } from '../../stacks/literal-resolve';

const stack = new TerraformStack(Testing.app(), 'literal');
const secret = new Password(stack, 'Secret', { length: 16 });
const resolver = new DefaultTokenResolver(new StringConcat());

/** Values that are or hold tokens of every kind cdktf encodes. */
const tokens = fc.constantFrom<unknown>(
  secret.result,
  `prefix-${secret.result}-suffix`,
  secret.length,
  Token.asList(secret.result),
  Fn.split(',', secret.result),
  Lazy.numberValue({ produce: () => 42 }),
  Lazy.anyValue({ produce: () => ({ produced: [1, 'two'] }) }),
  Token.asString(Lazy.stringValue({ produce: () => '1e5 produced' })),
  { [secret.result]: 'token as key' },
  'number-like 2e10 and 3e8',
);
const values = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.jsonValue({ maxDepth: 1 }),
    tokens,
    fc.constant(undefined),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.string(), tie('value'), { maxKeys: 4 }),
  ),
})).value;

const byCdktf = (value: unknown) => Tokenization.resolve(value, { scope: stack, preparing: false, resolver });
const fast = (value: unknown) => resolveFragment(stack, value, { preparing: false, resolver });

describe('resolveFragment', () => {
  it('resolves exactly what cdktf resolves, tokens of every kind and literal data alike', () => {
    fc.assert(
      fc.property(values, (value) => {
        let expected: unknown;
        try {
          expected = byCdktf(value);
        } catch (error) {
          expect(() => fast(value)).toThrow((error as Error).message);
          return;
        }
        expect(JSON.stringify(fast(value))).toBe(JSON.stringify(expected));
      }),
      { numRuns: 300 },
    );
  });

  it('copies literal data without handing it to cdktf', () => {
    const literal = { a: [1, 'b', null, { c: true }], d: 'x'.repeat(1000) };
    const resolved = fast(literal) as typeof literal;
    expect(resolved).toEqual(literal);
    expect(resolved).not.toBe(literal);
    expect(fast({ list: [1, undefined, 2], gone: undefined })).toEqual({ list: [1, 2] });
  });
});
