/**
 * A stack exactly as synth writes it (cdk.tf.json), resolved once per policy pass.
 * The rules that read text (user_data, pushed files, commands) read it from here,
 * and the stack's own synth takes the same object over instead of resolving every
 * token of the stack a second time (see PlatformStack).
 */
import type { TerraformStack } from 'cdktf';

export type StackJson = Record<string, unknown>;

interface HandOver {
  readonly json: StackJson;
  /** Constructs in the stack when it was resolved: one added since makes the hand-over stale. */
  readonly constructs: number;
}

const handOvers = new WeakMap<TerraformStack, HandOver>();

/** Resolves `stack` as synth does and keeps the result for the stack's next `toTerraform()`. */
export function synthesizeForInspection(stack: TerraformStack): StackJson {
  handOvers.delete(stack);
  const json = stack.toTerraform() as StackJson;
  handOvers.set(stack, { json, constructs: stack.node.findAll().length });
  return json;
}

/** The result of the last inspection, once, when nothing was added to the stack since. */
export function takeInspection(stack: TerraformStack): StackJson | undefined {
  const handOver = handOvers.get(stack);
  handOvers.delete(stack);
  return handOver && handOver.constructs === stack.node.findAll().length ? handOver.json : undefined;
}
