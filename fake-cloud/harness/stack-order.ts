/**
 * The order stacks deploy in: a stack after every stack whose state it reads (its
 * `terraform_remote_state` data sources, which cdktf names after the stack they read).
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { REMOTE_STATE_PREFIX } from './session';

export function dependenciesOf(stackDirectory: string): string[] {
  const document = JSON.parse(readFileSync(path.join(stackDirectory, 'cdk.tf.json'), 'utf8'));
  return Object.keys(document.data?.terraform_remote_state ?? {})
    .filter((name) => name.startsWith(REMOTE_STATE_PREFIX))
    .map((name) => name.slice(REMOTE_STATE_PREFIX.length));
}

/** `stacks` (names below `stacksDirectory`) in an order that puts every stack after those it reads. */
export function deploymentOrder(stacksDirectory: string, stacks: readonly string[]): string[] {
  const dependencies = new Map(stacks.map((stack) => [stack, dependenciesOf(path.join(stacksDirectory, stack))]));
  const ordered: string[] = [];
  const visit = (stack: string, trail: readonly string[]) => {
    if (ordered.includes(stack)) return;
    if (trail.includes(stack)) throw new Error(`stacks read each other's state: ${[...trail, stack].join(' -> ')}`);
    for (const dependency of dependencies.get(stack) ?? []) {
      if (!dependencies.has(dependency)) throw new Error(`${stack} reads the state of ${dependency}, which is not among the stacks`);
      visit(dependency, [...trail, stack]);
    }
    ordered.push(stack);
  };
  for (const stack of [...stacks].sort()) visit(stack, []);
  return ordered;
}
