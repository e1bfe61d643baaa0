/**
 * Turns text that mixes literal content with Terraform references (a rendered
 * cloud-config holding generated secrets, a JSON document naming server ids) into one
 * Terraform expression that reproduces the text byte for byte.
 *
 * cdktf cannot pass such text to a function like base64encode as it is: it refuses
 * double quotes in literals, and shell `${VAR}` or `%{` in a literal would be read by
 * Terraform as interpolation or a template directive. Here every literal part becomes
 * a properly escaped HCL string and the parts are joined by Terraform.
 */
import { type IResolvable, type IResolveContext, Token, Tokenization } from 'cdktf';

/** How cdktf encodes a string-valued reference inside a JS string (cdktf's token marker). */
const TOKEN_MARKER = String.raw`\$\{TfToken\[[a-zA-Z0-9:._-]+\]\}`;
const STRING_TOKEN = new RegExp(TOKEN_MARKER, 'g');
const ONLY_A_TOKEN = new RegExp(`^${TOKEN_MARKER}$`);

type Part =
  | { readonly literal: string }
  /** A string-valued reference, inserted as it is. */
  | { readonly reference: string }
  /** A reference, or text holding references, inserted as a JSON string (quoted and escaped by Terraform). */
  | { readonly json: string | TerraformText };

/** `join("", [...])` of the text's literal parts and references, as a string token. */
export function terraformString(text: string): string {
  return Token.asString(new TerraformText(textParts(text)));
}

/**
 * `value` as JSON text, rendered by Terraform where it holds references. Unlike
 * `Fn.jsonencode(value)`, whose arguments cdktf resolves again at every level of
 * nesting (13 ms warm, 40 ms in a synth, for the 20-server inventory), this costs
 * one walk; and rules that read the text see its literal parts. Object keys keep
 * their order; undefined entries are left out, as cdktf leaves them out.
 */
export function terraformJson(value: unknown): string {
  const parts: Part[] = [];
  let literal = '';
  const flush = (): void => {
    if (literal) parts.push({ literal });
    literal = '';
  };
  const insert = (text: string): void => {
    flush();
    parts.push({ json: ONLY_A_TOKEN.test(text) ? text : new TerraformText(textParts(text)) });
  };
  const visit = (item: unknown, where: string): void => {
    if (typeof item === 'string' && Token.isUnresolved(item)) {
      insert(item);
    } else if (typeof item === 'number' && Token.isUnresolved(item)) {
      insert(Token.asString(Tokenization.reverseNumber(item)));
    } else if (Tokenization.isResolvable(item)) {
      insert(Token.asString(item));
    } else if (Array.isArray(item)) {
      literal += '[';
      item.filter((entry) => entry !== undefined).forEach((entry, index) => {
        if (index > 0) literal += ',';
        visit(entry, `${where}[${index}]`);
      });
      literal += ']';
    } else if (typeof item === 'object' && item !== null) {
      literal += '{';
      Object.entries(item)
        .filter(([, entry]) => entry !== undefined)
        .forEach(([key, entry], index) => {
          if (Token.isUnresolved(key)) throw new Error(`terraformJson: the key ${where}.${key} must be literal`);
          literal += `${index > 0 ? ',' : ''}${JSON.stringify(key)}:`;
          visit(entry, `${where}.${key}`);
        });
      literal += '}';
    } else {
      literal += JSON.stringify(item);
    }
  };
  visit(value, '(value)');
  flush();
  return Token.asString(new TerraformText(parts));
}

function textParts(text: string): Part[] {
  const parts: Part[] = [];
  let position = 0;
  for (const match of text.matchAll(STRING_TOKEN)) {
    if (match.index > position) parts.push({ literal: text.slice(position, match.index) });
    parts.push({ reference: match[0] });
    position = match.index + match[0].length;
  }
  if (position < text.length) parts.push({ literal: text.slice(position) });
  return parts;
}

/**
 * Renders what cdktf renders for `Fn.join('', parts)`, but as one token: cdktf would
 * make every literal part a token of its own and scan each (12-30 KB of cloud-config
 * per server) again at every level of the expression, the bulk of resolving a server.
 * Only the references are resolved through cdktf, so cross-stack references are
 * still found while preparing.
 */
class TerraformText implements IResolvable {
  readonly creationStack: string[] = [];
  private quotedLiterals?: string[];

  constructor(private readonly parts: readonly Part[]) {}

  resolve(context: IResolveContext): string {
    const { suppressBraces, ignoreEscapes, warnEscapes } = context;
    // As cdktf's own function calls do: references inside an expression are bare.
    context.suppressBraces = true;
    context.ignoreEscapes = true;
    context.warnEscapes = true;
    try {
      const expression = this.render(context);
      return suppressBraces ? expression : `\${${expression}}`;
    } finally {
      context.ignoreEscapes = ignoreEscapes;
      context.warnEscapes = warnEscapes;
    }
  }

  toString(): string {
    return Token.asString(this);
  }

  private render(context: IResolveContext): string {
    this.quotedLiterals ??= this.parts.map((part) => ('literal' in part ? hclQuoted(part.literal) : ''));
    const items = this.parts.map((part, index) => {
      if ('literal' in part) return this.quotedLiterals![index];
      if ('reference' in part) return context.resolve(part.reference) as string;
      return `jsonencode(${typeof part.json === 'string' ? context.resolve(part.json) : part.json.render(context)})`;
    });
    return `join("", [${items.join(', ')}])`;
  }
}

const HCL_ESCAPES: Record<string, string> = { '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t', '${': '$${', '%{': '%%{' };

/** An HCL quoted string for `text`, escaped so Terraform reads exactly `text`. */
function hclQuoted(text: string): string {
  return `"${text.replace(/[\\"\n\r\t]|[$%]\{/g, (sequence) => HCL_ESCAPES[sequence])}"`;
}
