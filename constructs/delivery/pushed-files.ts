import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { AssetType, Fn, TerraformAsset, TerraformStack, Token, type ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { FileProvisioner, RemoteExecProvisioner } from 'cdktf';
import { Resource as NullResource } from '@cdktf/provider-null/lib/resource';
import { OPS_USER } from '../cloud-init';
import type { PlatformServer } from '../server';
import { terraformString } from '../terraform-string';
import { deployKey } from './deploy-key';

/** `owner`: a numeric uid:gid, for a file a container's user reads. @default root */
export type PushedFile =
  | { readonly path: string; readonly content: string; readonly mode?: string; readonly owner?: string }
  | { readonly path: string; readonly sourceFile: string; readonly mode?: string; readonly owner?: string };

export interface PushedFilesProps {
  readonly target: PlatformServer;
  readonly files: readonly PushedFile[];
  /** Commands run with sudo after the files are in place, e.g. a reload. @default none */
  readonly afterCommands?: readonly string[];
  /** Jump host for targets without a public address (the monitoring VM). */
  readonly bastion?: PlatformServer;
  readonly dependsOn?: ITerraformDependable[];
}

const STAGING = '/tmp/platform-push';

/**
 * Delivers configuration that changes often (rules, dashboards, compose files, the
 * autoscaler bundle) to a running VM over SSH, outside its user_data. On IONOS a
 * changed user_data replaces the server; this resource is replaced instead, because
 * its trigger is the hash of everything it delivers.
 */
export class PushedFiles extends Construct {
  readonly resource: NullResource;
  /** Hash of the delivered content; changes exactly when a file changes. */
  readonly contentHash: string;

  constructor(scope: Construct, id: string, props: PushedFilesProps) {
    super(scope, id);
    const { target, bastion } = props;
    const host = target.publicIp ?? target.privateIp;
    const staged = props.files.map((file, index) => ({ file, staging: `${STAGING}/${index}` }));

    const uploads: FileProvisioner[] = staged.map(({ file, staging }) =>
      'content' in file
        ? { type: 'file', content: terraformString(file.content), destination: staging }
        : { type: 'file', source: this.asset(file.sourceFile, staging).path, destination: staging },
    );
    const install = staged.map(
      ({ file, staging }) => `sudo install -D -m ${file.mode ?? '0644'}${owner(file)} ${staging} ${file.path}`,
    );
    // Terraform runs an inline list as one script and judges it by its last command
    // only, hence `set -eu`. Staged files hold secrets: a directory only the ops user
    // can enter, removed however the apply ends.
    const prepare: RemoteExecProvisioner = {
      type: 'remote-exec',
      inline: ['set -eu', 'umask 077', 'cloud-init status --wait >/dev/null || true', `rm -rf ${STAGING}`, `mkdir -m 0700 ${STAGING}`],
    };
    const apply: RemoteExecProvisioner = {
      type: 'remote-exec',
      inline: ['set -eu', `trap 'rm -rf ${STAGING}' EXIT`, ...install, ...(props.afterCommands ?? []).map((command) => `sudo sh -c '${command}'`)],
    };

    this.contentHash = hashFiles(props.files);
    this.resource = new NullResource(this, 'Push', {
      triggers: { server: target.server.id, content: this.contentHash },
      connection: {
        type: 'ssh',
        host,
        user: OPS_USER,
        privateKey: deployKey(this),
        timeout: '20m',
        ...(bastion && !target.publicIp
          ? { bastionHost: bastion.publicIp, bastionUser: OPS_USER, bastionPrivateKey: deployKey(this) }
          : {}),
      },
      provisioners: [prepare, ...uploads, apply],
      // The jump host must exist before anything connects through it.
      dependsOn: sameStack(this, [target.server, ...(bastion && !target.publicIp ? [bastion.server] : []), ...(props.dependsOn ?? [])]),
    });
  }

  private asset(sourceFile: string, staging: string): TerraformAsset {
    return new TerraformAsset(this, `Asset${path.basename(staging)}`, { path: path.resolve(sourceFile), type: AssetType.FILE });
  }
}

/**
 * Terraform's depends_on names whole resources of its own configuration; cdktf would
 * write a dependency on another stack's resource as a remote-state attribute, which
 * Terraform rejects. Another stack is applied before this one anyway (its outputs are
 * read here), and the server trigger already orders the push after its target.
 */
function sameStack(scope: Construct, dependencies: ITerraformDependable[]): ITerraformDependable[] | undefined {
  const stack = TerraformStack.of(scope);
  const local = dependencies.filter((dependency) => !Construct.isConstruct(dependency) || TerraformStack.of(dependency) === stack);
  return local.length > 0 ? local : undefined;
}

/**
 * Literal content is hashed at synth; content holding Terraform references is hashed
 * by Terraform. Files from disk are hashed as bytes: the autoscaler bundle is
 * megabytes, and decoding or scanning it for tokens would cost more than the hash.
 */
function hashFiles(files: readonly PushedFile[]): string {
  if (files.some((file) => 'content' in file && Token.isUnresolved(file.content))) {
    const parts = files.map((file) => `${header(file)}${'content' in file ? file.content : readFileSync(file.sourceFile, 'utf8')}`);
    return Fn.sha256(terraformString(parts.join('\u0000')));
  }
  const digest = createHash('sha256');
  files.forEach((file, position) => {
    if (position > 0) digest.update('\u0000');
    digest.update(header(file));
    digest.update('content' in file ? file.content : readFileSync(file.sourceFile));
  });
  return digest.digest('hex');
}

function header(file: PushedFile): string {
  return `${file.path}\n${file.mode ?? '0644'}${owner(file)}\n`;
}

function owner(file: PushedFile): string {
  if (!file.owner) return '';
  const [uid, gid] = file.owner.split(':');
  return ` -o ${uid} -g ${gid ?? uid}`;
}
