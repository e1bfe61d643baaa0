/**
 * The security policy pack: rules checked on every stack as synth writes it (see
 * docs/security.md). `applyPolicies(stack)` once per stack; `suppress(construct,
 * ruleId, reason)` for a justified exception.
 */
import type { TerraformStack } from 'cdktf';
import { POLICY_RULES } from './rules';
import { PolicyCheckedSynthesizer } from './synthesizer';

export { POLICY_RULES } from './rules';
export { suppress } from './suppressions';
export type { PolicyRule, Severity } from './rule';

/**
 * Checks every construct of `stack` whenever it is synthesized (`app.synth()`, the
 * cdktf CLI, `Testing.fullSynth`; `Testing.synth` writes nothing and checks nothing);
 * calling it again is a no-op. A violation fails synth with the list of all of the
 * stack's violations, also when validations are skipped or the cdktf CLI asks synth
 * to continue on error annotations.
 */
export function applyPolicies(stack: TerraformStack): void {
  if (stack.synthesizer instanceof PolicyCheckedSynthesizer) return;
  stack.synthesizer = new PolicyCheckedSynthesizer(stack, stack.synthesizer, POLICY_RULES);
}
