/**
 * Text that lands on machines (user_data, pushed files, remote commands), rendered for
 * inspection from what synth writes to cdk.tf.json: the argument is resolved the way
 * synth resolves it, then evaluated as a Terraform template (see hcl-template.ts).
 * Computed parts become `${tf:<expression>}` placeholders, which the rules treat as
 * "supplied by Terraform", never as a literal.
 */
import { DefaultTokenResolver, StringConcat, TerraformLocal, Tokenization, type TerraformElement } from 'cdktf';
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

/** The argument as it is written to cdk.tf.json; resolving without `preparing` adds nothing to the tree. */
function synthesized(value: unknown, element: TerraformElement): unknown {
  return Tokenization.resolve(value, { scope: element, preparing: false, resolver: new DefaultTokenResolver(new StringConcat()) });
}

export interface RenderOptions {
  /** Decode a literal that is base64 (user_data is handed to cloud-init decoded). */
  readonly base64?: boolean;
}

/**
 * The text behind a string argument of `element`, or undefined when none of it is
 * known at synth (a data source's output, a variable). A local holding the text is
 * followed.
 */
export function renderText(
  value: unknown,
  element: TerraformElement,
  index: ElementIndex,
  options: RenderOptions = {},
  depth = 0,
): RenderedText | undefined {
  if (typeof value !== 'string') return renderUncached(value, element, index, options, depth);
  // Several rules read the same user_data; resolving and evaluating it is the costly part.
  const key = `${options.base64 ? 'b' : 't'}${depth}:${value}`;
  let cache = renderCache.get(element);
  if (!cache) renderCache.set(element, (cache = new Map()));
  if (!cache.has(key)) cache.set(key, renderUncached(value, element, index, options, depth));
  return cache.get(key);
}

const renderCache = new WeakMap<TerraformElement, Map<string, RenderedText | undefined>>();

function renderUncached(
  value: unknown,
  element: TerraformElement,
  index: ElementIndex,
  options: RenderOptions,
  depth: number,
): RenderedText | undefined {
  if (value === null || value === undefined || depth > 4) return undefined;
  const source = synthesized(value, element);
  if (typeof source !== 'string') return undefined;
  const evaluated = evaluateTemplate(source);
  if (!evaluated) return undefined;
  if (evaluated.opaque) {
    const local = /^\$\{tf:local\.([\w-]+)\}$/.exec(evaluated.text)?.[1];
    const target = local ? index.find(element.cdktfStack, `local.${local}`) : undefined;
    return target instanceof TerraformLocal ? renderText(index.body(target).value, target, index, options, depth + 1) : undefined;
  }
  if (evaluated.base64Encoded) return { text: evaluated.text, via: 'base64encode()' };
  const decoded = options.base64 ? decodeBase64Text(evaluated.text) : undefined;
  return decoded !== undefined ? { text: decoded, via: 'base64 literal' } : { text: evaluated.text, via: 'literal' };
}
