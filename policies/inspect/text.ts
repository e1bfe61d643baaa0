/**
 * Text that lands on machines (user_data, pushed files, remote commands), rendered for
 * inspection from what synth writes to cdk.tf.json: the resolved argument is
 * evaluated as a Terraform template (see hcl-template.ts).
 * Computed parts become `${tf:<expression>}` placeholders, which the rules treat as
 * "supplied by Terraform", never as a literal.
 */
import type { TerraformStack } from 'cdktf';
import type { ElementIndex } from './elements';
import { evaluateTemplate } from './hcl-template';

export interface RenderedText {
  readonly text: string;
  /** How it was reached, for messages: 'literal', 'base64 literal', 'base64encode()'. */
  readonly via: string;
}

/** Decodes a base64 literal when it decodes to readable UTF-8 text. */
export function decodeBase64Text(value: string): string | undefined {
  const compact = value.replace(/\s+/g, '');
  if (compact.length < 8 || compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) return undefined;
  const bytes = Buffer.from(compact, 'base64');
  const text = bytes.toString('utf8');
  if (Buffer.from(text, 'utf8').length !== bytes.length) return undefined;
  const unreadable = [...text].filter((char) => /[\u0000-\u0008\u000e-\u001f\u007f]/.test(char)).length;
  return unreadable === 0 ? text : undefined;
}

export interface RenderOptions {
  /** Decode a literal that is base64 (user_data is handed to cloud-init decoded). */
  readonly base64?: boolean;
}

/**
 * The text behind a synthesized string argument (see ElementIndex.synthesized) of an
 * element in `stack`, or undefined when none of it is known at synth (a data
 * source's output, a variable). A local holding the text is followed.
 */
export function renderText(
  source: unknown,
  stack: TerraformStack,
  index: ElementIndex,
  options: RenderOptions = {},
  depth = 0,
): RenderedText | undefined {
  if (typeof source !== 'string' || depth > 4) return undefined;
  const key = `${stack.node.path}\u0000${options.base64 ? 'b' : 't'}${depth}:${source}`;
  return index.remember('text', key, () => renderUncached(source, stack, index, options, depth));
}

function renderUncached(
  source: string,
  stack: TerraformStack,
  index: ElementIndex,
  options: RenderOptions,
  depth: number,
): RenderedText | undefined {
  const evaluated = evaluateTemplate(source);
  if (!evaluated) return undefined;
  if (evaluated.opaque) {
    const local = /^\$\{tf:local\.([\w-]+)\}$/.exec(evaluated.text)?.[1];
    return local ? renderText(index.synthesizedLocal(stack, local), stack, index, options, depth + 1) : undefined;
  }
  if (evaluated.base64Encoded) return { text: evaluated.text, via: 'base64encode()' };
  const decoded = options.base64 ? decodeBase64Text(evaluated.text) : undefined;
  return decoded !== undefined ? { text: decoded, via: 'base64 literal' } : { text: evaluated.text, via: 'literal' };
}
