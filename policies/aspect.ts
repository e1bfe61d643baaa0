import { Annotations, TerraformStack, type IAspect } from 'cdktf';
import type { IConstruct } from 'constructs';
import { ElementIndex } from './inspect/elements';
import type { PolicyRule } from './rule';
import { suppressionFor } from './suppressions';

/** One violation of an error-level rule, kept for the stack's synth-time validation. */
export interface Violation {
  readonly path: string;
  readonly message: string;
}

/**
 * Runs the rules over every construct of a stack at synth. Each problem becomes an
 * annotation on the construct (`[RULE-ID] problem. Why: reason`): errors make
 * `app.synth()` and `cdktf synth` fail, warnings are printed. Suppressed problems
 * are reported as info, with the suppression's reason.
 */
export class PolicyAspect implements IAspect {
  readonly violations: Violation[] = [];
  private index?: ElementIndex;
  private readonly reported = new Set<string>();

  constructor(private readonly rules: readonly PolicyRule[]) {}

  visit(node: IConstruct): void {
    // The stack is visited before its children: index the whole app once per synth,
    // so references into other stacks (the network stack's LANs) can be followed.
    if (TerraformStack.isStack(node) || !this.index) this.index = new ElementIndex(node.node.root);
    for (const rule of this.rules) {
      for (const problem of this.problems(rule, node, this.index)) this.report(node, rule, problem);
    }
  }

  /** A rule that cannot inspect a construct fails closed, with the cause, instead of crashing synth. */
  private problems(rule: PolicyRule, node: IConstruct, index: ElementIndex): string[] {
    try {
      return rule.check(node, index);
    } catch (error) {
      return [`could not be checked: ${error instanceof Error ? error.message : String(error)}`];
    }
  }

  private report(node: IConstruct, rule: PolicyRule, problem: string): void {
    const key = `${node.node.path}\u0000${rule.id}\u0000${problem}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    const annotations = Annotations.of(node);
    const suppression = suppressionFor(node, rule.id);
    if (suppression) {
      annotations.addInfo(`[${rule.id}] suppressed (${suppression.reason}): ${problem}`);
      return;
    }
    const message = `[${rule.id}] ${problem}. Why: ${rule.reason}`;
    if (rule.severity === 'warning') {
      annotations.addWarning(message);
      return;
    }
    annotations.addError(message);
    this.violations.push({ path: node.node.path, message });
  }
}
