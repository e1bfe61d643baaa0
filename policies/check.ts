import { AnnotationMetadataEntryType, Annotations, type StackAnnotation, type TerraformStack } from 'cdktf';
import type { IConstruct } from 'constructs';
import { ElementIndex, type StackJson } from './inspect/elements';
import type { PolicyRule } from './rule';
import { suppressionFor } from './suppressions';

const ADD = {
  [AnnotationMetadataEntryType.ERROR]: (node: IConstruct, message: string) => Annotations.of(node).addError(message),
  [AnnotationMetadataEntryType.WARN]: (node: IConstruct, message: string) => Annotations.of(node).addWarning(message),
  [AnnotationMetadataEntryType.INFO]: (node: IConstruct, message: string) => Annotations.of(node).addInfo(message),
};

/**
 * Runs the rules over every construct of `stack`, whose cdk.tf.json is `written`.
 * Each problem becomes an annotation on the construct (`[RULE-ID] problem. Why:
 * reason`): an error for an error rule, a warning for a warning rule, and info with
 * the reason for a suppressed problem. Returns them for the stack's manifest.
 */
export function checkStack(stack: TerraformStack, written: StackJson, rules: readonly PolicyRule[]): StackAnnotation[] {
  // The whole app is indexed, so references into other stacks (the network stack's LANs) can be followed.
  const index = new ElementIndex(stack.node.root, { stack, document: written });
  const annotations = new Map<string, StackAnnotation>();
  for (const node of stack.node.findAll()) {
    for (const rule of rules) {
      for (const problem of problems(rule, node, index)) {
        const annotation = annotationOn(node, rule, problem);
        annotations.set(`${annotation.constructPath}\u0000${annotation.message}`, annotation);
      }
    }
  }
  return [...annotations.values()];
}

/** A rule that cannot inspect a construct fails closed, with the cause, instead of crashing synth. */
function problems(rule: PolicyRule, node: IConstruct, index: ElementIndex): string[] {
  try {
    return rule.check(node, index);
  } catch (error) {
    return [`could not be checked: ${error instanceof Error ? error.message : String(error)}`];
  }
}

/** The problem as an annotation on the construct, added once however often the stack is synthesized. */
function annotationOn(node: IConstruct, rule: PolicyRule, problem: string): StackAnnotation {
  const suppression = suppressionFor(node, rule.id);
  const [level, message] = suppression
    ? [AnnotationMetadataEntryType.INFO, `[${rule.id}] suppressed (${suppression.reason}): ${problem}`]
    : [rule.severity === 'warning' ? AnnotationMetadataEntryType.WARN : AnnotationMetadataEntryType.ERROR, `[${rule.id}] ${problem}. Why: ${rule.reason}`];
  const present = () => node.node.metadata.find((entry) => entry.type === level && entry.data === message);
  if (!present()) ADD[level](node, message);
  return { constructPath: node.node.path, level, message, stacktrace: present()!.trace };
}
