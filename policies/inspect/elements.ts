/**
 * The Terraform elements of an app and the references between them. A reference
 * token (`lan.id`) keeps its Terraform address (`ionoscloud_lan.<id>.id`) and the
 * stack it was created in, so a NIC in one stack can be traced to the LAN it uses in
 * another stack without resolving anything.
 */
import {
  DefaultTokenResolver,
  StringConcat,
  TerraformDataSource,
  TerraformElement,
  TerraformLocal,
  TerraformOutput,
  TerraformResource,
  TerraformStack,
  TerraformVariable,
  Token,
  Tokenization,
} from 'cdktf';
import type { IConstruct } from 'constructs';
import type { Block } from './values';

/** A stack's Terraform JSON, as written to its cdk.tf.json. */
export type StackJson = Record<string, unknown>;

/** The stack being checked and its document as synth wrote it. */
export interface WrittenStack {
  readonly stack: TerraformStack;
  readonly document: StackJson;
}

interface ReferenceToken {
  readonly identifier: string;
  readonly originStack?: TerraformStack;
}

/** A reference found in an argument: the element it points at and the attribute read. */
export interface ResolvedReference {
  readonly element: TerraformElement;
  readonly attribute: string;
}

type Fragment = Record<string, Record<string, Record<string, unknown>>>;

/** The arguments of an element as they synthesize (see values.ts for why unresolved). */
export function elementBody(element: TerraformElement): Block {
  return bodyIn(element.toTerraform() as Fragment, element);
}

/** The element's part of a synthesized fragment: its own, or the whole stack's. */
function bodyIn(synthesized: Fragment, element: TerraformElement): Block {
  const id = element.friendlyUniqueId;
  if (TerraformResource.isTerraformResource(element)) {
    return (synthesized.resource?.[element.terraformResourceType]?.[id] ?? {}) as Block;
  }
  if (TerraformDataSource.isTerraformDataSource(element)) {
    return (synthesized.data?.[element.terraformResourceType]?.[id] ?? {}) as Block;
  }
  if (element instanceof TerraformVariable) return (synthesized.variable?.[id] ?? {}) as Block;
  if (element instanceof TerraformLocal) return { value: synthesized.locals?.[id] };
  return synthesized as Block;
}

/** An output's fragment, `{ output: { <id>: ... } }`, cut from a whole stack's document. */
function outputIn(document: StackJson, output: TerraformOutput): Block {
  const id = output.friendlyUniqueId;
  return { output: { [id]: (document.output as Record<string, unknown> | undefined)?.[id] } };
}

/** `ionoscloud_server`, `data.ionoscloud_lan`, `local`, `var`, or undefined for other elements. */
export function elementType(element: TerraformElement): string | undefined {
  if (TerraformResource.isTerraformResource(element)) return element.terraformResourceType;
  if (TerraformDataSource.isTerraformDataSource(element)) return `data.${element.terraformResourceType}`;
  if (element instanceof TerraformLocal) return 'local';
  if (element instanceof TerraformVariable) return 'var';
  return undefined;
}

function address(element: TerraformElement): string | undefined {
  const type = elementType(element);
  return type ? `${type}.${element.friendlyUniqueId}` : undefined;
}

/** Every element of every stack under `root`, addressable per stack. */
export class ElementIndex {
  readonly all: readonly TerraformElement[];
  private readonly byStack = new Map<TerraformStack, Map<string, TerraformElement>>();
  private readonly memos = new Map<string, Map<unknown, unknown>>();

  constructor(
    root: IConstruct,
    private readonly written: WrittenStack,
  ) {
    this.all = root.node.findAll().filter((node): node is TerraformElement => TerraformElement.isTerraformElement(node));
    for (const element of this.all) {
      const key = address(element);
      if (!key) continue;
      const stack = element.cdktfStack;
      const map = this.byStack.get(stack) ?? new Map<string, TerraformElement>();
      map.set(key, element);
      this.byStack.set(stack, map);
    }
  }

  body(element: TerraformElement): Block {
    return this.remember('body', element, () => elementBody(element));
  }

  /**
   * The arguments as written to cdk.tf.json: tokens resolved, a reference into
   * another stack turned into its remote-state lookup. For reading text, not for
   * following references (see values.ts). Providers, backends and remote states, a
   * few per stack, are resolved on their own.
   */
  synthesized(element: TerraformElement): Block {
    return this.remember('synthesized', element, () => {
      if (elementType(element) !== undefined) return bodyIn(this.writtenDocument(element.cdktfStack) as Fragment, element);
      if (TerraformOutput.isTerraformOutput(element)) return outputIn(this.writtenDocument(element.cdktfStack), element);
      return Tokenization.resolve(elementBody(element), { scope: element, preparing: false, resolver: new DefaultTokenResolver(new StringConcat()) }) as Block;
    });
  }

  /** The value of `local.<id>` in `stack` as written to cdk.tf.json. */
  synthesizedLocal(stack: TerraformStack, id: string): unknown {
    return (this.writtenDocument(stack).locals as Record<string, unknown> | undefined)?.[id];
  }

  private writtenDocument(stack: TerraformStack): StackJson {
    if (stack !== this.written.stack) throw new Error(`the text of ${stack.node.path} is read while ${this.written.stack.node.path} is checked`);
    return this.written.document;
  }

  /**
   * A value computed once per policy pass (an index lives for one pass): several rules
   * read the same text, and evaluating it is the costly part of the pass.
   */
  remember<T>(kind: string, key: unknown, compute: () => T): T {
    let memo = this.memos.get(kind);
    if (!memo) this.memos.set(kind, (memo = new Map()));
    if (!memo.has(key)) memo.set(key, compute());
    return memo.get(key) as T;
  }

  /** The element at a Terraform address (`ionoscloud_lan.<id>`, `local.<id>`) in `stack`. */
  find(stack: TerraformStack, elementAddress: string): TerraformElement | undefined {
    return this.byStack.get(stack)?.get(elementAddress);
  }

  ofType(type: string): TerraformElement[] {
    return this.all.filter((element) => elementType(element) === type);
  }

  /** The elements a value refers to; `fromStack` is where the value is used. */
  references(value: unknown, fromStack: TerraformStack): ResolvedReference[] {
    return referenceTokens(value).flatMap((token) => {
      const reference = this.resolve(token, fromStack);
      return reference ? [reference] : [];
    });
  }

  /**
   * The element a value is nothing but a reference to (`lan.id`, `local.lan`), or
   * undefined when the value is a literal, a concatenation or an expression
   * (`var.x ? a.id : b.id`, `element([a.id, b.id], 1)`): which element those end up
   * naming is decided at apply time.
   */
  plainReference(value: unknown, fromStack: TerraformStack): ResolvedReference | undefined {
    const token = soleToken(value);
    return isReferenceToken(token) ? this.resolve(token, fromStack) : undefined;
  }

  /** The element of `type` whose `id` a value is a plain reference to (`nsg.id`), or undefined. */
  idReference(value: unknown, fromStack: TerraformStack, type: string): TerraformElement | undefined {
    const reference = this.plainReference(value, fromStack);
    return reference?.attribute === 'id' && elementType(reference.element) === type ? reference.element : undefined;
  }

  private resolve(token: ReferenceToken, fromStack: TerraformStack): ResolvedReference | undefined {
    const parts = token.identifier.split('.');
    const addressLength = parts[0] === 'data' ? 3 : 2;
    const key = parts.slice(0, addressLength).join('.');
    const element = this.byStack.get(token.originStack ?? fromStack)?.get(key);
    return element ? { element, attribute: parts.slice(addressLength).join('.') } : undefined;
  }
}

/** The one token a value consists of, with no literal text around it, or undefined. */
export function soleToken(value: unknown): unknown {
  if (Array.isArray(value)) return Tokenization.reverseList(value);
  if (typeof value === 'string') {
    const fragments = Tokenization.reverseString(value);
    return fragments.length === 1 ? fragments.firstToken : undefined;
  }
  if (typeof value === 'number') return Tokenization.reverseNumber(value);
  return Tokenization.isResolvable(value) ? value : undefined;
}

function isReferenceToken(value: unknown): value is ReferenceToken {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { identifier?: unknown }).identifier === 'string' &&
    'crossStackIdentifier' in value
  );
}

const SKIPPED_FIELDS = new Set(['creationStack', 'originStack', 'crossStackIdentifier', 'scope', 'node']);

/**
 * Reference tokens anywhere in a value: inside strings and numbers (encoded tokens),
 * function calls (`Fn.element(ips, 0)`), property access and operators. The walk
 * follows the expression objects' own fields, bounded in depth.
 */
export function referenceTokens(value: unknown): ReferenceToken[] {
  const found: ReferenceToken[] = [];
  const seen = new Set<unknown>();
  const visit = (item: unknown, depth: number): void => {
    if (item === null || item === undefined || depth > 12 || seen.has(item)) return;
    if (typeof item === 'string' || typeof item === 'number') {
      if (Token.isUnresolved(item)) Tokenization.reverse(item).forEach((token) => visit(token, depth + 1));
      return;
    }
    if (typeof item !== 'object') return;
    seen.add(item);
    if (isReferenceToken(item)) {
      found.push(item);
      return;
    }
    if (Array.isArray(item)) {
      if (Token.isUnresolved(item)) Tokenization.reverse(item).forEach((token) => visit(token, depth + 1));
      item.forEach((entry) => visit(entry, depth + 1));
      return;
    }
    for (const [key, field] of Object.entries(item as Record<string, unknown>)) {
      if (!SKIPPED_FIELDS.has(key)) visit(field, depth + 1);
    }
  };
  visit(value, 0);
  return found;
}
