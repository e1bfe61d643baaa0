/**
 * The security policy pack: rules checked on every stack at synth (see
 * docs/security.md). `applyPolicies(stack)` once per stack; `suppress(construct,
 * ruleId, reason)` for a justified exception.
 */
import { Aspects, type TerraformStack } from 'cdktf';
import { PolicyAspect } from './aspect';
import { POLICY_RULES } from './rules';

export { POLICY_RULES } from './rules';
export { suppress } from './suppressions';
export type { PolicyRule, Severity } from './rule';

/**
 * Checks every construct of `stack` at synth; calling it again is a no-op. Error
 * annotations alone stop `app.synth()` only when CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS
 * is unset (the cdktf CLI sets it and checks them itself), and `Testing.synth` ignores
 * them; the stack validation added here fails every synth path that validates, with
 * all violations in one message.
 */
export function applyPolicies(stack: TerraformStack): void {
  if (Aspects.of(stack).all.some((aspect) => aspect instanceof PolicyAspect)) return;
  const aspect = new PolicyAspect(POLICY_RULES);
  Aspects.of(stack).add(aspect);
  stack.node.addValidation({
    validate: () =>
      aspect.violations.length === 0
        ? []
        : [
            `${aspect.violations.length} security policy violation(s):\n${aspect.violations
              .map((violation) => `    [${violation.path}] ${violation.message}`)
              .join('\n')}`,
          ],
  });
}
