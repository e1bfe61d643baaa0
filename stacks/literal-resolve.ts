/**
 * cdktf's resolve() for a synthesized fragment, minus its bookkeeping for the values
 * that resolve to themselves. cdktf builds two resolution contexts and runs three
 * regular expressions for every key and value, also for the literal bulk of a
 * fragment (attribute names, literal settings, rendered files). Here plain data is
 * copied as cdktf would return it (undefined entries dropped), and every value that
 * is or may hold a token is handed to cdktf whole, so tokens resolve exactly as before.
 */
import { type IResolvable, Token, Tokenization, type TerraformStack } from 'cdktf';

/** cdktf's pattern for a number token written into a string (tokens/private/encoding). */
const NUMBER_TOKEN_IN_STRING = /[-|\d|.+]+(e[-|\d|.|e|E|+]+)/;
/** Deeper than any Terraform block; a cycle in plain data goes to cdktf, which names it. */
const MAX_DEPTH = 100;

interface ResolveOptions {
  readonly preparing: boolean;
  readonly resolver: Parameters<typeof Tokenization.resolve>[1]['resolver'];
}

export function resolveFragment(stack: TerraformStack, value: unknown, options: ResolveOptions): unknown {
  const byCdktf = (part: unknown): unknown => Tokenization.resolve(part, { scope: stack, ...options });
  const walk = (part: unknown, depth: number): unknown => {
    if (isLiteral(part)) return part;
    if (depth > MAX_DEPTH) return byCdktf(part);
    if (Array.isArray(part)) {
      if (!part.every(isLiteralOrContainer)) return byCdktf(part);
      return part.map((item) => walk(item, depth + 1)).filter((item) => item !== undefined);
    }
    if (isPlainObject(part) && Object.keys(part).every(isLiteralString)) {
      const resolved: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(part)) {
        const result = walk(item, depth + 1);
        if (result !== undefined) resolved[key] = result;
      }
      return resolved;
    }
    return byCdktf(part);
  };
  return walk(value, 0);
}

function isLiteral(value: unknown): boolean {
  switch (typeof value) {
    case 'undefined':
    case 'boolean':
      return true;
    case 'string':
      return isLiteralString(value);
    case 'number':
      // A number token, a number-list token, or the marker cdktf refuses in scalar context.
      return value !== Token.NUMBER_MAP_TOKEN_VALUE && !Token.isUnresolved(value) && !Token.isUnresolved([value]);
    default:
      return value === null;
  }
}

function isLiteralString(text: string): boolean {
  return (
    !text.includes('TfToken[') &&
    !NUMBER_TOKEN_IN_STRING.test(text) &&
    text !== Token.STRING_MAP_TOKEN_VALUE &&
    text !== Token.ANY_MAP_TOKEN_VALUE
  );
}

/** A list holding a list or number-list token is resolved by cdktf as a whole. */
function isLiteralOrContainer(value: unknown): boolean {
  return isLiteral(value) || (typeof value === 'object' && value !== null);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return (prototype === Object.prototype || prototype === null) && typeof (value as Partial<IResolvable>).resolve !== 'function';
}
