/**
 * cdktf resolves every element of a stack twice per synth: once while preparing (the
 * pass that discovers cross-stack references) and again when the stack is written,
 * and then walks the merged stack a third time. Resolving is the bulk of synth for a
 * large pool, and the later passes yield what the first one did. The first pass's
 * results are kept here with the unresolved fragment each came from, and the stack is
 * written from them for every element whose fragment is unchanged; anything added or
 * changed after preparing is resolved as usual.
 */
import { DefaultTokenResolver, StringConcat, TerraformElement, TerraformOutput, TerraformStack } from 'cdktf';
import { deepMerge } from 'cdktf/lib/util';
import type { IConstruct } from 'constructs';
import { resolveFragment } from './literal-resolve';

interface Prepared {
  readonly source: unknown;
  readonly resolved: unknown;
}

const RESOLVER = new DefaultTokenResolver(new StringConcat());

/** TerraformStack's private state that toTerraform() reads. */
interface StackInternals {
  readonly rawOverrides: Record<string, unknown>;
  readonly cdktfVersion?: string;
}


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
   * TerraformStack.toTerraform() as cdktf 0.21 (its final release) computes it, with
   * unchanged elements answering from the preparing pass and resolveFragment in place
   * of cdktf's resolve, so the resolved bulk is copied instead of walked twice more.
   */
  synthesize(stack: TerraformStack): Record<string, unknown> {
    const { rawOverrides, cdktfVersion } = stack as unknown as StackInternals;
    const resolve = (value: unknown) => resolveFragment(stack, value, { preparing: false, resolver: RESOLVER });
    const elements = elementsOf(stack);
    const metadata: Record<string, unknown> = {
      version: cdktfVersion,
      stackName: stack.node.id,
      backend: 'local',
      cloud: undefined,
      ...(Object.keys(rawOverrides).length > 0 ? { overrides: { stack: Object.keys(rawOverrides) } } : {}),
    };
    for (const element of elements) deepMerge(metadata, resolve(element.toMetadata()));
    const outputs = {};
    for (const element of elements) {
      if (TerraformOutput.isTerraformOutput(element)) deepMerge(outputs, nestedUnder(element.node.path.split('/'), element.friendlyUniqueId));
    }
    const tf: Record<string, unknown> = { '//': { metadata, outputs } };
    for (const element of elements) deepMerge(tf, this.unchangedResolution(element) ?? resolve(element.toTerraform()));
    deepMerge(tf, rawOverrides);
    return resolve(tf) as Record<string, unknown>;
  }

  private unchangedResolution(element: TerraformElement): unknown {
    const prepared = this.prepared.get(element);
    return prepared && sameFragment(prepared.source, element.toTerraform()) ? prepared.resolved : undefined;
  }
}

/** `{ a: { b: value } }` for the path a/b. */
function nestedUnder(path: string[], value: string): Record<string, unknown> {
  return path.reduceRight<Record<string, unknown>>((inner, part, index) => ({ [part]: index === path.length - 1 ? value : inner }), {});
}
