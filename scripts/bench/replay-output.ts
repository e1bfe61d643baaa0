/**
 * A floor for the synth benchmark: cdktf writing the documents another synth wrote
 * (REPLAY_FROM, a cdktf.out directory), and nothing else. Every resource, data source
 * and local is declared again through cdktf's generic elements with its synthesized
 * arguments, so this is the cost of cdktf resolving and writing that much Terraform,
 * without the project's modules, configuration, constructs or policy pack.
 */
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { App, TerraformDataSource, TerraformLocal, TerraformResource, TerraformStack } from 'cdktf';

type Elements = Record<string, Record<string, Record<string, unknown>>>;

export interface StackDocument {
  readonly resource?: Elements;
  readonly data?: Elements;
  readonly locals?: Record<string, unknown>;
}

function declareElements(stack: TerraformStack, elements: Elements | undefined, kind: typeof TerraformResource | typeof TerraformDataSource): void {
  for (const [type, byId] of Object.entries(elements ?? {})) {
    for (const [id, body] of Object.entries(byId)) {
      // Construct ids are unique per stack, Terraform names only per type.
      const element = new kind(stack, `${type}.${id}`, { terraformResourceType: type });
      element.overrideLogicalId(id);
      for (const [argument, value] of Object.entries(body)) {
        if (argument !== '//') element.addOverride(argument, value);
      }
    }
  }
}

/** One stack per document, declaring its resources, data sources and locals again. */
export function replayDocuments(app: App, documents: Readonly<Record<string, StackDocument>>): void {
  for (const [name, document] of Object.entries(documents)) {
    const stack = new TerraformStack(app, name);
    declareElements(stack, document.resource, TerraformResource);
    declareElements(stack, document.data, TerraformDataSource);
    for (const [id, value] of Object.entries(document.locals ?? {})) new TerraformLocal(stack, id, value);
  }
}

/** Every stack document of a cdktf.out directory, by stack name. */
export function readDocuments(outdir: string): Record<string, StackDocument> {
  const stacksDirectory = path.join(outdir, 'stacks');
  return Object.fromEntries(
    readdirSync(stacksDirectory).map((name) => [name, JSON.parse(readFileSync(path.join(stacksDirectory, name, 'cdk.tf.json'), 'utf8'))]),
  );
}

if (require.main === module) {
  const source = process.env.REPLAY_FROM;
  if (!source) throw new Error('REPLAY_FROM must name a cdktf.out directory');
  const app = new App();
  replayDocuments(app, readDocuments(source));
  app.synth();
}
