/**
 * Running the real `terraform`, asynchronously: while it runs, this process keeps
 * serving the SSH stand-in its provisioners connect to, and other stacks' Terraform
 * runs proceed beside it.
 */
import { spawn, spawnSync } from 'node:child_process';

export interface TerraformResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The oldest Terraform the harness (and the platform) supports. */
export const MINIMUM_TERRAFORM = [1, 11] as const;

export function runTerraform(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<TerraformResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('terraform', args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (code, signal) =>
      resolve({ code: code ?? (signal ? 1 : 0), stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') }),
    );
  });
}

/** The installed Terraform's version, or undefined when there is none on the PATH. */
export function terraformVersion(): string | undefined {
  const result = spawnSync('terraform', ['version', '-json'], { encoding: 'utf8', env: { ...process.env, CHECKPOINT_DISABLE: '1', TF_CLI_CONFIG_FILE: '/dev/null' } });
  if (result.error || result.status !== 0) return undefined;
  try {
    return String(JSON.parse(result.stdout).terraform_version);
  } catch {
    return undefined;
  }
}

/** The installed Terraform's version; throws when there is none or it is too old. */
export function requireTerraform(): string {
  const version = terraformVersion();
  if (!version) throw new Error('terraform is not on the PATH: install Terraform 1.11 or newer');
  if (!supportedTerraform(version)) throw new Error(`terraform ${version} is older than ${MINIMUM_TERRAFORM.join('.')}: install Terraform 1.11 or newer`);
  return version;
}

/** Whether `version` is at least MINIMUM_TERRAFORM. */
export function supportedTerraform(version: string): boolean {
  const [major, minor] = version.split('.').map(Number);
  return major > MINIMUM_TERRAFORM[0] || (major === MINIMUM_TERRAFORM[0] && minor >= MINIMUM_TERRAFORM[1]);
}
