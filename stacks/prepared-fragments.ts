/**
 * cdktf resolves every element of a stack twice per synth: once while preparing (the
 * pass that discovers cross-stack references) and again when the stack is written.
 * Resolving is the bulk of synth for a large pool, and the second pass yields what the
 * first one did. The first pass's results are kept here with the unresolved fragment
 * each came from, and lent to the second pass for every element whose fragment is
 * unchanged; anything added or changed after preparing is resolved as usual.
 */
import { DefaultTokenResolver, StringConcat, TerraformElement, TerraformStack } from 'cdktf';
import type { IConstruct } from 'constructs';
import { resolveFragment } from './literal-resolve';

interface Prepared {
  readonly source: unknown;
  readonly resolved: unknown;
}

const RESOLVER = new DefaultTokenResolver(new StringConcat());


/** The stack's own elements, as cdktf's synthesis collects them (nested stacks excluded). */
function elementsOf(stack: TerraformStack): TerraformElement[] {
  const found: TerraformElement[] = [];
  const visit = (node: IConstruct): void => {
    if (TerraformElement.isTerraformElement(node)) found.push(node);
    for (const child of node.node.children) {
      if (!TerraformStack.isStack(child)) visit(child);
    }
  };
  visit(stack);
  return found;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

/**
 * Whether two unresolved fragments are the same: equal literals, and the very same
 * token objects (a token encoded in a string or number is part of its value).
 */
function sameFragment(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((item, index) => sameFragment(item, b[index]));
  if (!isPlainObject(a) || !isPlainObject(b)) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => key in b && sameFragment(a[key], b[key]));
}

export class PreparedFragments {
  private readonly prepared = new Map<TerraformElement, Prepared>();

  /** The preparing pass of `TerraformStack.prepareStack`, keeping what it resolves. */
  prepare(stack: TerraformStack): void {
    this.prepared.clear();
    for (const element of elementsOf(stack)) {
      const source = element.toTerraform();
      this.prepared.set(element, { source, resolved: resolveFragment(stack, source, { preparing: true, resolver: RESOLVER }) });
    }
  }

  /**
   * Runs `synthesize` (the stack's own toTerraform) with every unchanged element
   * answering from the preparing pass. An already resolved fragment resolves to itself.
   */
  lend<T>(synthesize: () => T): T {
    const lent: TerraformElement[] = [];
    try {
      for (const [element, { source, resolved }] of this.prepared) {
        if (!sameFragment(source, element.toTerraform())) continue;
        Object.defineProperty(element, 'toTerraform', { value: () => resolved, configurable: true });
        lent.push(element);
      }
      return synthesize();
    } finally {
      for (const element of lent) delete (element as { toTerraform?: unknown }).toTerraform;
    }
  }
}
