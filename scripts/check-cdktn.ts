/**
 * `npm run check:cdktn`: whether the project still works on CDK Terrain (cdktn), the
 * maintained fork of the archived cdktf (docs/toolchain.md). A copy of the project
 * gets cdktn as `cdktf` (an npm alias) and its bindings from cdktn's provider
 * generator; it must pass the type-check, and synthesize every shipped environment to
 * the same Terraform as cdktf does. Only the cdktf version recorded in each stack's
 * metadata and in the manifest may differ, and the layout of the JSON text (cdktn
 * writes an empty object or list on one line). Needs Node 22 or newer, as cdktn does.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { runCommand } from './command';
import { TS_RUNNER } from './ts-runner';

const ROOT = path.resolve(__dirname, '..');
const CDKTN_VERSION = '0.24.0';
/** cdktn 0.24 asks for constructs >= 10.6 and < 10.8. */
const CONSTRUCTS_VERSION = '10.7.2';
/** What an installed copy has that the copy must not take over. */
const NOT_COPIED = new Set(['node_modules', '.gen', 'cdktf.out', 'dist', '.git', 'coverage']);

type Json = Record<string, any>;

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): void {
  const result = spawnSync(command, args, { cwd, stdio: 'inherit', env: { ...process.env, ...env } });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed in ${cwd}`);
}

/** The prebuilt provider packages the project depends on: each pins cdktf as a peer. */
function prebuiltProviders(manifest: Json): string[] {
  return Object.keys({ ...manifest.dependencies, ...manifest.devDependencies }).filter((name) => name.startsWith('@cdktf/provider-') && name !== '@cdktf/provider-generator');
}

/** package.json on cdktn: the alias, its constructs, its generator and CLI, and the prebuilt providers' peer on cdktf. */
function onCdktn(manifest: Json): Json {
  return {
    ...manifest,
    dependencies: { ...manifest.dependencies, cdktf: `npm:cdktn@${CDKTN_VERSION}`, constructs: CONSTRUCTS_VERSION },
    devDependencies: {
      ...manifest.devDependencies,
      '@cdktf/provider-generator': `npm:@cdktn/provider-generator@${CDKTN_VERSION}`,
      'cdktf-cli': `npm:cdktn-cli@${CDKTN_VERSION}`,
    },
    overrides: Object.fromEntries(prebuiltProviders(manifest).map((name) => [name, { cdktf: '$cdktf' }])),
  };
}

function synth(project: string, outdir: string, environments: string[]): void {
  run(TS_RUNNER[0], [...TS_RUNNER.slice(1), 'scripts/synth.ts'], project, { CDKTF_OUTDIR: outdir, ENVIRONMENTS: environments.join(',') });
}

/** A document without the cdktf version it records. */
function withoutVersion(document: Json): Json {
  const copy = structuredClone(document);
  if (copy['//']?.metadata) delete copy['//'].metadata.version;
  delete copy.version;
  return copy;
}

function differences(cdktfOut: string, cdktnOut: string): string[] {
  const read = (outdir: string, file: string): Json => withoutVersion(JSON.parse(readFileSync(path.join(outdir, file), 'utf8')));
  const problems: string[] = [];
  if (!isDeepStrictEqual(read(cdktfOut, 'manifest.json'), read(cdktnOut, 'manifest.json'))) problems.push('manifest.json differs');
  for (const stack of readdirSync(path.join(cdktfOut, 'stacks'))) {
    const file = path.join('stacks', stack, 'cdk.tf.json');
    if (!isDeepStrictEqual(read(cdktfOut, file), read(cdktnOut, file))) problems.push(`${file} differs`);
  }
  return problems;
}

async function main(): Promise<void> {
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 22) throw new Error(`cdktn needs Node 22 or newer, this is Node ${process.versions.node}`);
  const work = mkdtempSync(path.join(tmpdir(), 'check-cdktn-'));
  try {
    const copy = path.join(work, 'project');
    cpSync(ROOT, copy, { recursive: true, filter: (source) => !NOT_COPIED.has(path.basename(source)) });
    const manifestFile = path.join(copy, 'package.json');
    writeFileSync(manifestFile, `${JSON.stringify(onCdktn(JSON.parse(readFileSync(manifestFile, 'utf8'))), null, 2)}\n`);
    // The project's lock keeps every other package where it is; postinstall generates the bindings with cdktn's generator.
    run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], copy);
    run('npm', ['run', '--silent', 'typecheck'], copy);

    const environments = readdirSync(path.join(ROOT, 'environments'))
      .filter((name) => /\.ya?ml$/.test(name))
      .map((name) => path.join(ROOT, 'environments', name));
    synth(ROOT, path.join(work, 'cdktf.out'), environments);
    synth(copy, path.join(work, 'cdktn.out'), environments);
    const problems = differences(path.join(work, 'cdktf.out'), path.join(work, 'cdktn.out'));
    if (problems.length > 0) throw new Error(`cdktn ${CDKTN_VERSION} synthesizes other Terraform than cdktf:\n  ${problems.join('\n  ')}`);
    console.log(`cdktn ${CDKTN_VERSION}: type-check passes, ${environments.length} environment(s) synthesize the same Terraform as cdktf`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

runCommand('check-cdktn', main);
