/**
 * Writes a stack as cdktf 0.21's StackSynthesizer does (cdktf's final release), but
 * lays the document out with stableJson instead of json-stable-stringify, which took
 * most of a large pool's writing time (6 MB of JSON for 200 servers). The steps and
 * their order are cdktf's: aspects, validations, the stack's directory, custom synthesis
 * (assets), annotations into the manifest and the stop on an error, then the file. HCL
 * output goes through cdktf's own code.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AnnotationMetadataEntryType, type ISynthesisSession, type StackAnnotation, type TerraformStack } from 'cdktf';
import { encounteredAnnotationWithLevelError } from 'cdktf/lib/errors';
import { StackSynthesizer, invokeAspects, type ICustomSynthesis } from 'cdktf/lib/synthesize/synthesizer';
import { ValidateTerraformVersion } from 'cdktf/lib/validations/validate-terraform-version';
import { ConstructOrder, type IConstruct } from 'constructs';
import { stableJson } from './stable-json';

/** StackSynthesizer's private settings (from CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS and SYNTH_HCL_OUTPUT). */
interface SynthesizerSettings {
  readonly continueOnErrorAnnotations: boolean;
  readonly hclOutput: boolean;
}

/** Where cdktf's addCustomSynthesis keeps a construct's hook (a global symbol). */
const CUSTOM_SYNTHESIS = Symbol.for('cdktf/customSynthesis');
const ANNOTATION_LEVELS: readonly string[] = [
  AnnotationMetadataEntryType.INFO,
  AnnotationMetadataEntryType.WARN,
  AnnotationMetadataEntryType.ERROR,
];

function customSynthesis(node: IConstruct): ICustomSynthesis | undefined {
  return (node as unknown as Record<symbol, ICustomSynthesis | undefined>)[CUSTOM_SYNTHESIS];
}

function annotationsOf(stack: TerraformStack): StackAnnotation[] {
  return stack.node.findAll().flatMap((node) =>
    node.node.metadata
      .filter((metadata) => ANNOTATION_LEVELS.includes(metadata.type))
      .map((metadata) => ({
        constructPath: node.node.path,
        level: metadata.type as AnnotationMetadataEntryType,
        message: metadata.data,
        stacktrace: metadata.trace,
      })),
  );
}

export class SortedJsonSynthesizer extends StackSynthesizer {
  /** Takes the settings of the synthesizer cdktf gave the stack. */
  static replacing(stack: TerraformStack): SortedJsonSynthesizer {
    const { continueOnErrorAnnotations, hclOutput } = stack.synthesizer as unknown as SynthesizerSettings;
    return new SortedJsonSynthesizer(stack, continueOnErrorAnnotations, hclOutput);
  }

  override synthesize(session: ISynthesisSession): void {
    const { continueOnErrorAnnotations, hclOutput } = this as unknown as SynthesizerSettings;
    if (hclOutput) {
      super.synthesize(session);
      return;
    }
    const stack = this.stack;
    invokeAspects(stack);
    if (stack.hasResourceMove()) {
      stack.node.addValidation(
        new ValidateTerraformVersion('>=1.5', 'Resource move functionality is only supported for Terraform >=1.5. Please upgrade your Terraform version.'),
      );
    }
    if (!session.skipValidation) stack.runAllValidations();

    const manifest = session.manifest.forStack(stack);
    const workingDirectory = path.join(session.outdir, manifest.workingDirectory);
    if (!fs.existsSync(workingDirectory)) fs.mkdirSync(workingDirectory);
    stack.node.findAll(ConstructOrder.POSTORDER).forEach((node) => customSynthesis(node)?.onSynthesize(session));

    const annotations = annotationsOf(stack);
    // The manifest's field is read-only to users; synthesis is where cdktf fills it.
    (manifest as { annotations: StackAnnotation[] }).annotations = annotations;
    const errors = annotations.filter((annotation) => annotation.level === AnnotationMetadataEntryType.ERROR);
    if (!continueOnErrorAnnotations && errors.length > 0) {
      throw encounteredAnnotationWithLevelError(errors.map((annotation) => `[${annotation.constructPath}] ${annotation.message}`).join('\n'));
    }
    fs.writeFileSync(path.join(session.outdir, manifest.synthesizedStackPath), stableJson(stack.toTerraform()));
  }
}
