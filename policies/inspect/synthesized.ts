/**
 * A stack as synth writes it (cdk.tf.json), resolved once per policy pass. The rules
 * that read text (user_data, pushed files, commands) read it from here.
 */
import type { TerraformStack } from 'cdktf';

export type StackJson = Record<string, unknown>;

export function synthesizeForInspection(stack: TerraformStack): StackJson {
  return stack.toTerraform() as StackJson;
}
