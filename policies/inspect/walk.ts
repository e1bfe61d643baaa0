import type { TerraformElement } from 'cdktf';
import type { ElementIndex } from './elements';
import { renderText } from './text';
import type { Block } from './values';

export interface Leaf {
  /** Dotted argument path, e.g. `volume.user_data` or `provisioner[1].file.content`. */
  readonly path: string;
  readonly key: string;
  readonly value: unknown;
}

/** Every non-object value of a synthesized body, with its path (cdktf metadata skipped). */
export function leaves(body: Block): Leaf[] {
  const found: Leaf[] = [];
  const visit = (value: unknown, path: string, key: string, depth: number): void => {
    if (depth > 20) return;
    if (Array.isArray(value) && !value.every((item) => typeof item === 'string')) {
      value.forEach((item, position) => visit(item, `${path}[${position}]`, key, depth + 1));
      return;
    }
    if (Array.isArray(value)) {
      value.forEach((item, position) => found.push({ path: `${path}[${position}]`, key, value: item }));
      return;
    }
    if (typeof value === 'object' && value !== null && value.constructor === Object) {
      for (const [childKey, child] of Object.entries(value)) {
        if (childKey === '//') continue;
        visit(child, path ? `${path}.${childKey}` : childKey, childKey, depth + 1);
      }
      return;
    }
    found.push({ path, key, value });
  };
  visit(body, '', '', 0);
  return found;
}

export interface TextLeaf extends Leaf {
  readonly text: string;
}

/** Every string argument of an element with the text Terraform will produce from it. */
export function textLeaves(element: TerraformElement, index: ElementIndex): TextLeaf[] {
  return index.remember('text leaves', element, () =>
    leaves(index.synthesized(element)).flatMap((leaf) => {
      if (typeof leaf.value !== 'string') return [];
      const rendered = renderText(leaf.value, element.cdktfStack, index, { base64: leaf.key === 'user_data' });
      return rendered ? [{ ...leaf, text: rendered.text }] : [];
    }),
  );
}
