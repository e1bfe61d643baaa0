import { LocalBackend, S3Backend, type TerraformBackend, type TerraformStack } from 'cdktf';
import type { EnvironmentConfig } from '../config';

/**
 * Where a stack keeps its Terraform state.
 *
 * With `state` configured: IONOS Object Storage through Terraform's S3 backend, one
 * object per stack at `<env>/<part>.tfstate` (for stack `example-network` that is
 * `example/network.tfstate`), encrypted at rest and locked with a lock object next to
 * it (`use_lockfile`, Terraform >= 1.11 / OpenTofu >= 1.10). IONOS is not AWS, so
 * every call the backend would make to AWS-only services (STS, IAM, EC2 metadata,
 * account lookup, region list, CRC checksums) is switched off. Credentials come only
 * from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY in the environment.
 *
 * Without `state`: a local file per stack, `terraform-state/<stack>.tfstate` beside
 * cdktf.out/, for trying things out from one machine. Not inside the stack's own
 * directory: every other stack reads it from there through the same relative path
 * (Terraform resolves both from the stack directory it runs in), and cdktf deletes the
 * directory of every stack a synth did not write, a state file inside it included.
 */
/** terraform-state/ at the project root, seen from cdktf.out/stacks/<stack>/. */
const LOCAL_STATE_FROM_STACK_DIR = '../../../terraform-state';

export function configureBackend(
  stack: TerraformStack,
  config: Pick<EnvironmentConfig, 'name' | 'state'>,
): TerraformBackend {
  const stackName = stack.node.id;
  if (!config.state) {
    return new LocalBackend(stack, { path: `${LOCAL_STATE_FROM_STACK_DIR}/${stackName}.tfstate` });
  }
  const { bucket, region, endpoint } = config.state;
  const backend = new S3Backend(stack, {
    bucket,
    key: stateKey(config.name, stackName),
    region,
    endpoints: { s3: endpoint },
    usePathStyle: true,
    encrypt: true,
    skipCredentialsValidation: true,
    skipRegionValidation: true,
    skipRequestingAccountId: true,
    skipMetadataApiCheck: true,
    skipS3Checksum: true,
  });
  // cdktf 0.21's S3BackendConfig predates S3-native locking; without it two deploys
  // could write the same state at once, since IONOS offers no DynamoDB for locks.
  backend.addOverride('use_lockfile', true);
  return backend;
}

/** `<env>/<part>.tfstate`; the `<env>-` prefix of the stack name is not repeated. */
export function stateKey(environment: string, stackName: string): string {
  const prefix = `${environment}-`;
  const part = stackName.startsWith(prefix) ? stackName.slice(prefix.length) : stackName;
  return `${environment}/${part}.tfstate`;
}
