/**
 * How Terraform finds the fake cloud's providers offline: a filesystem mirror in the
 * unpacked layout (hashicorp/terraform v1.11.4 internal/getproviders/filesystem_mirror_source.go:
 * `<host>/<namespace>/<type>/<version>/<os>_<arch>/terraform-provider-<type>_v<version>`),
 * named by a CLI configuration of its own (TF_CLI_CONFIG_FILE) so nothing in the
 * user's home is read or needed. `terraform init` installs from it and records each
 * package's hash in the stack's .terraform.lock.hcl, as it does for any mirror.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { CLOUD_DIR_VARIABLE } from '../cloud/store';
import { PROVIDERS } from '../providers';
import { PLUGIN_UNSET_VARIABLES, type PreparedPlugin } from './plugin-bundle';

const PLATFORMS: Record<string, string> = { 'linux-x64': 'linux_amd64', 'linux-arm64': 'linux_arm64', 'darwin-x64': 'darwin_amd64', 'darwin-arm64': 'darwin_arm64' };

export interface Mirror {
  readonly directory: string;
  readonly cliConfigFile: string;
}

export function writeMirror(directory: string, plugin: PreparedPlugin, cloudDirectory: string): Mirror {
  const platform = PLATFORMS[`${process.platform}-${process.arch}`];
  if (!platform) throw new Error(`Terraform providers are not built for ${process.platform}-${process.arch}`);
  const mirror = path.join(directory, 'mirror');
  for (const provider of PROVIDERS) {
    const packageDir = path.join(mirror, provider.source, provider.version, platform);
    mkdirSync(packageDir, { recursive: true });
    const executable = path.join(packageDir, `terraform-provider-${provider.name}_v${provider.version}`);
    const environment = { ...plugin.environment, [CLOUD_DIR_VARIABLE]: cloudDirectory };
    const assignments = Object.entries(environment).map(([name, value]) => `${name}=${shellQuote(value)}`).join(' ');
    const unset = PLUGIN_UNSET_VARIABLES.map((name) => `-u ${name}`).join(' ');
    writeFileSync(executable, `#!/bin/sh\nexec env ${unset} ${assignments} ${shellQuote(process.execPath)} ${shellQuote(plugin.launcher)} ${shellQuote(plugin.file)} ${provider.name}\n`);
    chmodSync(executable, 0o755);
  }
  const cliConfigFile = path.join(directory, 'terraform.rc');
  writeFileSync(
    cliConfigFile,
    [
      'provider_installation {',
      '  filesystem_mirror {',
      `    path    = ${JSON.stringify(mirror)}`,
      `    include = ${JSON.stringify(PROVIDERS.map((provider) => provider.source))}`,
      '  }',
      '}',
      '',
    ].join('\n'),
  );
  return { directory: mirror, cliConfigFile };
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
