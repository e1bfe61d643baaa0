/**
 * A fake cloud session: a temporary directory holding the prepared plugin, the provider
 * mirror and CLI configuration, the cloud's records, an SSH key pair for Terraform's
 * pushes, stand-ins for the commands local-exec runs, the SSH stand-in and, for a
 * session made with running plugins, the providers' plugin processes. Stacks run
 * in place (a synthesized stack directory) with an override file that keeps Terraform
 * on this machine: a local backend and local remote states instead of Object Storage,
 * and every SSH connection through the stand-in.
 */
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { utils as sshUtils } from 'ssh2';
import { CloudStore } from '../cloud/store';
import { writeMirror } from './mirror';
import { preparePlugin, type PreparedPlugin } from './plugin-bundle';
import { REATTACH_VARIABLE, RunningPlugins } from './running-plugins';
import { SshStandIn } from './ssh-stand-in';
import { runTerraform, type TerraformResult } from './terraform';

/** The variable holding the private key Terraform pushes with (constructs/delivery/deploy-key.ts). */
const DEPLOY_KEY_VARIABLE = 'ssh_private_key';

/** Where cdktf's cross-stack references name the stack they read (stacks/ and cdktf's own naming). */
export const REMOTE_STATE_PREFIX = 'cross-stack-reference-input-';

export interface LocalExecCall {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly environment: Record<string, string>;
}

export interface StackOptions {
  /** Whether the stack keeps a state (a local backend); validate needs none. */
  readonly backend: boolean;
  /** The directory of states it writes and reads. @default the session's */
  readonly states?: string;
}

export class FakeCloudSession {
  readonly cloud: CloudStore;
  /** The public half of the key Terraform pushes with: an environment's sshKeys must list it. */
  readonly publicKey: string;
  private readonly privateKey: string;
  private readonly cliConfigFile: string;
  private readonly shimDirectory: string;
  private readonly localExecLog: string;
  private standIn?: Promise<SshStandIn>;
  private runningPlugins?: RunningPlugins;

  private constructor(
    readonly root: string,
    private readonly plugin: PreparedPlugin,
  ) {
    const cloudDirectory = cloudDirectoryOf(root);
    this.cloud = new CloudStore(cloudDirectory);
    this.cliConfigFile = writeMirror(root, plugin, cloudDirectory).cliConfigFile;
    const keys = sshUtils.generateKeyPairSync('ed25519', { comment: 'fake-cloud-terraform' });
    this.privateKey = keys.private;
    this.publicKey = keys.public.trim();
    this.shimDirectory = path.join(root, 'local-exec-bin');
    this.localExecLog = path.join(root, 'local-exec.jsonl');
    mkdirSync(path.join(root, 'states'));
  }

  /** A session whose providers Terraform starts itself, as it starts any provider. */
  static create(): FakeCloudSession {
    const root = newRoot();
    return new FakeCloudSession(root, preparePlugin(root)).withLocalExecShim();
  }

  /**
   * A session whose providers run as one plugin process each for all its Terraform
   * commands (fake-cloud/harness/running-plugins.ts): the same providers, started once.
   */
  static async createWithRunningPlugins(): Promise<FakeCloudSession> {
    const root = newRoot();
    const session = new FakeCloudSession(root, preparePlugin(root));
    try {
      // The environment a plugin Terraform starts would inherit from it.
      session.runningPlugins = await RunningPlugins.start(session.plugin, cloudDirectoryOf(root), session.environment());
    } catch (error) {
      rmSync(root, { recursive: true, force: true });
      throw error;
    }
    return session.withLocalExecShim();
  }

  /** `node` for local-exec, recording what Terraform adds to the session's environment. */
  private withLocalExecShim(): this {
    const baseline = path.join(this.root, 'local-exec-baseline.json');
    writeFileSync(baseline, JSON.stringify(Object.keys(this.environment())));
    writeLocalExecShim(this.shimDirectory, 'node', this.localExecLog, baseline);
    return this;
  }

  /** Starts the SSH stand-in; needed before an apply that pushes configuration. */
  sshStandIn(): Promise<SshStandIn> {
    this.standIn ??= SshStandIn.start(this.cloud);
    return this.standIn;
  }

  async close(): Promise<void> {
    await (await this.standIn)?.close();
    await this.runningPlugins?.stop();
    rmSync(this.root, { recursive: true, force: true });
  }

  /** Where a stack's local state lives, read by the stacks that depend on it; `states` is another set of states. */
  statePath(stack: string, states = this.states): string {
    return path.join(states, `${stack}.tfstate`);
  }

  /**
   * A copy of the stacks' states as they are now, in `directory`: Terraform can apply a
   * change to the copy (StackOptions.states) while other commands read the originals.
   */
  branchStates(directory: string): string {
    cpSync(this.states, directory, { recursive: true });
    return directory;
  }

  private get states(): string {
    return path.join(this.root, 'states');
  }

  /** What local-exec provisioners ran, in order. */
  localExecCalls(): LocalExecCall[] {
    if (!existsSync(this.localExecLog)) return [];
    return readFileSync(this.localExecLog, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as LocalExecCall);
  }

  /** A synthesized stack directory, made ready for Terraform against the fake cloud. */
  async stack(directory: string, options: StackOptions): Promise<StackWorkspace> {
    const name = path.basename(directory);
    const document = JSON.parse(readFileSync(path.join(directory, 'cdk.tf.json'), 'utf8'));
    const proxyPort = (await this.sshStandIn()).port;
    const override = this.overrides(name, document, options, proxyPort);
    writeFileSync(path.join(directory, 'fake_cloud_override.tf.json'), JSON.stringify(override, null, 1));
    // Every other variable a stack declares is a secret the fake cloud has no use for.
    const placeholders = Object.keys(document.variable ?? {})
      .filter((variable) => variable !== DEPLOY_KEY_VARIABLE)
      .map((variable) => [`TF_VAR_${variable}`, `fake-cloud-${variable}`]);
    return new StackWorkspace(name, directory, options.backend, { ...this.environment(), ...Object.fromEntries(placeholders) });
  }

  /**
   * Terraform's environment: none of the caller's TF_ settings (CLI arguments, data
   * directory, variables) or Object Storage keys, a placeholder IONOS token, and the
   * key the pushes use.
   */
  environment(): NodeJS.ProcessEnv {
    const inherited = Object.entries(process.env).filter(([name]) => !name.startsWith('TF_') && !name.startsWith('AWS_'));
    const environment: NodeJS.ProcessEnv = {
      ...Object.fromEntries(inherited),
      TF_CLI_CONFIG_FILE: this.cliConfigFile,
      CHECKPOINT_DISABLE: '1',
      TF_IN_AUTOMATION: '1',
      IONOS_TOKEN: 'fake-cloud-token',
      [`TF_VAR_${DEPLOY_KEY_VARIABLE}`]: this.privateKey,
      PATH: `${this.shimDirectory}${path.delimiter}${process.env.PATH ?? ''}`,
    };
    if (this.runningPlugins) environment[REATTACH_VARIABLE] = this.runningPlugins.reattach;
    return environment;
  }

  private overrides(name: string, document: Record<string, any>, options: StackOptions, proxyPort: number): object {
    const override: Record<string, any> = {};
    if (options.backend) override.terraform = { backend: { local: { path: this.statePath(name, options.states) } } };
    const remoteStates: Record<string, object> = {};
    for (const dataName of Object.keys(document.data?.terraform_remote_state ?? {})) {
      if (!dataName.startsWith(REMOTE_STATE_PREFIX)) throw new Error(`${name}: remote state ${dataName} names no stack of this environment`);
      remoteStates[dataName] = { backend: 'local', config: { path: this.statePath(dataName.slice(REMOTE_STATE_PREFIX.length), options.states) } };
    }
    if (Object.keys(remoteStates).length > 0) override.data = { terraform_remote_state: remoteStates };
    const resources = connectionOverrides(name, document, proxyPort);
    if (Object.keys(resources).length > 0) override.resource = resources;
    return override;
  }
}

function newRoot(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'fake-cloud-'));
  mkdirSync(cloudDirectoryOf(root));
  return root;
}

function cloudDirectoryOf(root: string): string {
  return path.join(root, 'cloud');
}

/**
 * Every resource that provisions over SSH keeps its connection, with the stand-in as
 * HTTP proxy: Terraform connects to the stand-in only, whatever host it names. The
 * stand-in answers at once, so a refused connection fails within half a minute rather
 * than after the 20 minutes a booting VM is given.
 */
function connectionOverrides(name: string, document: Record<string, any>, proxyPort: number): Record<string, Record<string, object>> {
  const resources: Record<string, Record<string, object>> = {};
  for (const [type, byName] of Object.entries<Record<string, any>>(document.resource ?? {})) {
    for (const [resourceName, body] of Object.entries<any>(byName)) {
      const provisioners: Record<string, any>[] = body.provisioner ?? [];
      const remote = provisioners.filter((provisioner) => 'remote-exec' in provisioner || 'file' in provisioner);
      if (remote.length === 0) continue;
      if (!body.connection || remote.some((provisioner) => Object.values(provisioner)[0]?.connection)) {
        throw new Error(`${name}: ${type}.${resourceName} must connect by its resource-level connection block to run on the fake cloud`);
      }
      (resources[type] ??= {})[resourceName] = {
        connection: { ...body.connection, timeout: '30s', proxy_scheme: 'http', proxy_host: '127.0.0.1', proxy_port: proxyPort },
      };
    }
  }
  return resources;
}

export class StackWorkspace {
  constructor(
    readonly name: string,
    readonly directory: string,
    private readonly backend: boolean,
    private readonly environment: NodeJS.ProcessEnv,
  ) {}

  init(): Promise<TerraformResult> {
    return this.run(['init', '-input=false', '-no-color', ...(this.backend ? [] : ['-backend=false'])]);
  }

  validate(): Promise<TerraformResult> {
    return this.run(['validate', '-json', '-no-color']);
  }

  /** `terraform plan`, exit code 2 when there are changes (-detailed-exitcode). */
  plan(out?: string): Promise<TerraformResult> {
    return this.run(['plan', '-input=false', '-lock=false', '-no-color', '-detailed-exitcode', ...(out ? [`-out=${out}`] : [])]);
  }

  apply(): Promise<TerraformResult> {
    return this.run(['apply', '-input=false', '-lock=false', '-auto-approve', '-no-color']);
  }

  async showPlan(planFile: string): Promise<Record<string, any>> {
    const result = await this.run(['show', '-json', '-no-color', planFile]);
    if (result.code !== 0) throw new Error(`${this.name}: terraform show failed:\n${result.stderr}`);
    return JSON.parse(result.stdout);
  }

  run(args: readonly string[]): Promise<TerraformResult> {
    return runTerraform(args, this.directory, this.environment);
  }
}

/**
 * `node` as local-exec finds it first on the PATH: records the call (arguments,
 * directory, the environment Terraform set) and succeeds, so no provisioner script
 * reaches the real IONOS API.
 */
function writeLocalExecShim(directory: string, command: string, log: string, baseline: string): void {
  mkdirSync(directory, { recursive: true });
  const file = path.join(directory, command);
  // The environment Terraform adds (local-exec's `environment`) is what the session's
  // lacks, less the stacks' variables.
  const recorder = [
    `const { appendFileSync, readFileSync } = require('node:fs');`,
    `const inherited = new Set(JSON.parse(readFileSync(${JSON.stringify(baseline)}, 'utf8')).concat(['PWD', 'SHLVL', '_', 'OLDPWD']));`,
    `const environment = Object.fromEntries(Object.entries(process.env).filter(([name]) => !inherited.has(name) && !name.startsWith('TF_VAR_')));`,
    `appendFileSync(${JSON.stringify(log)}, JSON.stringify({ command: ${JSON.stringify(command)}, args: process.argv.slice(1), cwd: process.cwd(), environment }) + '\\n');`,
  ].join('\n');
  writeFileSync(file, `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} -e ${shellQuote(recorder)} -- "$@"\n`);
  chmodSync(file, 0o755);
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
