/**
 * Generates the IONOS Cloud provider bindings into `.gen/` from the provider schema
 * committed in `providers/`, without network access or Terraform. Skips the work
 * when `.gen/` was already generated from the same schema file.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..');
const providersDir = path.join(root, 'providers');
const genDir = path.join(root, '.gen');
const stampFile = path.join(genDir, 'schema.sha256');
const PROVIDER_SOURCE = 'registry.terraform.io/ionos-cloud/ionoscloud';

function schemaFile(): { file: string; version: string } {
  const matches = readdirSync(providersDir)
    .map((name) => /^ionoscloud-(\d+\.\d+\.\d+)\.schema\.json$/.exec(name))
    .filter((m): m is RegExpExecArray => m !== null);
  if (matches.length !== 1) {
    throw new Error(`providers/ must hold exactly one ionoscloud-<version>.schema.json, found ${matches.length}`);
  }
  return { file: path.join(providersDir, matches[0][0]), version: matches[0][1] };
}

/** Generates `.gen/` unless it was generated from the committed schema already. */
export async function ensureBindings(force = false): Promise<void> {
  const { file, version } = schemaFile();
  const raw = readFileSync(file);
  const digest = createHash('sha256').update(raw).digest('hex');
  if (!force && existsSync(stampFile) && readFileSync(stampFile, 'utf8').trim() === digest) {
    return;
  }
  const schema = JSON.parse(raw.toString('utf8'));
  schema.provider_versions = { [PROVIDER_SOURCE]: version };

  const started = Date.now();
  rmSync(genDir, { recursive: true, force: true });
  mkdirSync(genDir, { recursive: true });
  const { CodeMaker, TerraformProviderGenerator } = await loadGenerator();
  const code = new CodeMaker();
  const generator = new TerraformProviderGenerator(code, schema);
  generator.generateAll();
  await code.save(genDir);
  writeFileSync(stampFile, `${digest}\n`);
  console.log(`generated ionoscloud ${version} bindings in .gen/ (${Date.now() - started} ms)`);
}

/**
 * The generator's dependencies ask the local terraform binary for its version when
 * loaded; a TF_CLI_CONFIG_FILE that points nowhere only makes it print a warning.
 */
async function loadGenerator() {
  const cliConfig = process.env.TF_CLI_CONFIG_FILE;
  if (cliConfig && !existsSync(cliConfig)) delete process.env.TF_CLI_CONFIG_FILE;
  return import('@cdktf/provider-generator');
}

if (require.main === module) {
  ensureBindings(process.argv.includes('--force')).catch((error: unknown) => {
    console.error(`generate-bindings: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
