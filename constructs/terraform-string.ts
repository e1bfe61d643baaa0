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
import { Fn, Lazy, Token } from 'cdktf';

/** How cdktf encodes a string-valued reference inside a JS string (cdktf's token marker). */
const STRING_TOKEN = /\$\{TfToken\[[a-zA-Z0-9:._-]+\]\}/g;

export function terraformString(text: string): string {
  const parts: string[] = [];
  let position = 0;
  for (const match of text.matchAll(STRING_TOKEN)) {
    if (match.index > position) parts.push(hclLiteral(text.slice(position, match.index)));
    parts.push(match[0]);
    position = match.index + match[0].length;
  }
  if (position < text.length) parts.push(hclLiteral(text.slice(position)));
  return Fn.join('', parts);
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

/** Escaped once: synth resolves every argument several times (prepare, policies, output). */
function hclLiteral(text: string): string {
  let quoted: string | undefined;
  return Token.asString(Lazy.stringValue({ produce: () => (quoted ??= hclQuoted(text)) }));
}
