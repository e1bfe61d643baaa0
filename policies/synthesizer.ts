import { readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { AnnotationMetadataEntryType, type ISynthesisSession, type IStackSynthesizer, type TerraformStack } from 'cdktf';
import { checkStack } from './check';
import type { StackJson } from './inspect/elements';
import type { PolicyRule } from './rule';

/** One violation of an error-level rule. */
export interface Violation {
  readonly path: string;
  readonly message: string;
}

/**
 * Writes a stack with the synthesizer cdktf gave it, then checks what was written:
 * the rules read the stack's document from its file instead of resolving the stack a
 * second time. A violation removes the stack's directory again, so nothing broken is
 * left to deploy, and fails synth with the list of them all: through the stack
 * validation added here, so the error is cdktf's own validation error, as when the
 * violations stopped synth before anything was written; when the app skips
 * validations, as that list alone.
 */
export class PolicyCheckedSynthesizer implements IStackSynthesizer {
  /** What the last synthesis found. */
  violations: readonly Violation[] = [];

  constructor(
    private readonly stack: TerraformStack,
    private readonly cdktf: IStackSynthesizer,
    private readonly rules: readonly PolicyRule[],
  ) {
    stack.node.addValidation({ validate: () => (this.violations.length === 0 ? [] : [this.report()]) });
  }

  synthesize(session: ISynthesisSession): void {
    this.violations = [];
    this.cdktf.synthesize(session);
    const manifest = session.manifest.forStack(this.stack);
    // HCL output (SYNTH_HCL_OUTPUT) leaves no JSON to read back.
    const written = session.manifest.hclOutput
      ? (this.stack.toTerraform() as StackJson)
      : (JSON.parse(readFileSync(path.join(session.outdir, manifest.synthesizedStackPath), 'utf8')) as StackJson);
    const annotations = checkStack(this.stack, written, this.rules);
    // cdktf collected the stack's annotations before it wrote the file; the CLI prints them from the manifest.
    manifest.annotations.push(...annotations);
    this.violations = annotations
      .filter((annotation) => annotation.level === AnnotationMetadataEntryType.ERROR)
      .map((annotation) => ({ path: annotation.constructPath, message: annotation.message }));
    if (this.violations.length === 0) return;
    rmSync(path.join(session.outdir, manifest.workingDirectory), { recursive: true, force: true });
    if (session.skipValidation) throw new Error(`[${this.stack.node.path}] ${this.report()}`);
    this.stack.runAllValidations();
  }

  private report(): string {
    return `${this.violations.length} security policy violation(s):\n${this.violations.map(({ path, message }) => `    [${path}] ${message}`).join('\n')}`;
  }
}
