/**
 * Turns text that mixes literal content with Terraform references (a rendered
 * cloud-config holding generated secrets) into one Terraform expression that
 * reproduces the text byte for byte.
 *
 * cdktf cannot pass such text to a function like base64encode as it is: it refuses
 * double quotes in literals, and shell `${VAR}` or `%{` in a literal would be read by
 * Terraform as interpolation or a template directive. Here every literal part becomes
 * a properly escaped HCL string and the parts are joined by Terraform.
 */
import { type IResolvable, type IResolveContext, Token } from 'cdktf';

/** How cdktf encodes a string-valued reference inside a JS string (cdktf's token marker). */
const STRING_TOKEN = /\$\{TfToken\[[a-zA-Z0-9:._-]+\]\}/g;

/** `join("", [...])` of the text's literal parts and references, as a string token. */
export function terraformString(text: string): string {
  return Token.asString(new TerraformText(text));
}

/**
 * Renders exactly what cdktf renders for `Fn.join('', parts)`, but as one token: cdktf
 * would make every literal part a token of its own and scan each (12-30 KB of
 * cloud-config per server) again at every level of the expression, the bulk of
 * resolving a server. Only the references are resolved through cdktf, so cross-stack
 * references are still found while preparing.
 */
class TerraformText implements IResolvable {
  readonly creationStack: string[] = [];
  private readonly parts: ReadonlyArray<{ readonly literal: string } | { readonly reference: string }>;
  private quotedLiterals?: string[];

  constructor(text: string) {
    const parts: Array<{ literal: string } | { reference: string }> = [];
    let position = 0;
    for (const match of text.matchAll(STRING_TOKEN)) {
      if (match.index > position) parts.push({ literal: text.slice(position, match.index) });
      parts.push({ reference: match[0] });
      position = match.index + match[0].length;
    }
    if (position < text.length) parts.push({ literal: text.slice(position) });
    this.parts = parts;
  }

  resolve(context: IResolveContext): string {
    const { suppressBraces, ignoreEscapes, warnEscapes } = context;
    // As cdktf's own function calls do: references inside an expression are bare.
    context.suppressBraces = true;
    context.ignoreEscapes = true;
    context.warnEscapes = true;
    try {
      this.quotedLiterals ??= this.parts.map((part) => ('literal' in part ? hclQuoted(part.literal) : ''));
      const items = this.parts.map((part, index) => ('literal' in part ? this.quotedLiterals![index] : context.resolve(part.reference)));
      const expression = `join("", [${items.join(', ')}])`;
      return suppressBraces ? expression : `\${${expression}}`;
    } finally {
      context.ignoreEscapes = ignoreEscapes;
      context.warnEscapes = warnEscapes;
    }
  }

  toString(): string {
    return Token.asString(this);
  }
}

/** An HCL quoted string for `text`, escaped so Terraform reads exactly `text`. */
function hclQuoted(text: string): string {
  const escaped = text
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\t/g, '\\t')
    .replace(/\$\{/g, () => '$${')
    .replace(/%\{/g, () => '%%{');
  return `"${escaped}"`;
}
