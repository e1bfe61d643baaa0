import type { IConstruct } from 'constructs';
import { TerraformElement } from 'cdktf';
import { elementType, type ElementIndex } from '../inspect/elements';
import { blocks, literalBoolean, literalString } from '../inspect/values';
import type { PolicyRule } from '../rule';

const PUBLIC_ACCESS_FLAGS = ['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets'] as const;

/** Elements of `type` whose `bucket` argument is this bucket (by reference or by its literal name). */
function attachedTo(bucket: TerraformElement, type: string, index: ElementIndex): TerraformElement[] {
  const name = literalString(index.body(bucket).name);
  return index.ofType(type).filter((element) => {
    const target = index.body(element).bucket;
    if (name !== undefined && literalString(target) === name) return true;
    return index.references(target, element.cdktfStack).some((reference) => reference.element === bucket);
  });
}

function hasEncryption(configuration: TerraformElement, index: ElementIndex): boolean {
  return blocks(index.body(configuration).rule).some((rule) =>
    blocks(rule.apply_server_side_encryption_by_default).some((sse) => Boolean(sse.sse_algorithm)),
  );
}

export const stateBucketPrivate: PolicyRule = {
  id: 'BUCKET-PRIVATE-ENCRYPTED',
  severity: 'error',
  reason: 'buckets of this platform hold Terraform state (every generated secret) or recordings; they must never be public and must be encrypted at rest',
  check(node: IConstruct, index: ElementIndex): string[] {
    if (!TerraformElement.isTerraformElement(node) || elementType(node) !== 'ionoscloud_s3_bucket') return [];
    const problems: string[] = [];
    const blocked = attachedTo(node, 'ionoscloud_s3_bucket_public_access_block', index).some((block) =>
      PUBLIC_ACCESS_FLAGS.every((flag) => literalBoolean(index.body(block)[flag]) === true),
    );
    if (!blocked) {
      problems.push(`bucket has no ionoscloud_s3_bucket_public_access_block with ${PUBLIC_ACCESS_FLAGS.join(', ')} all true`);
    }
    const encrypted = attachedTo(node, 'ionoscloud_s3_bucket_server_side_encryption_configuration', index).some((configuration) =>
      hasEncryption(configuration, index),
    );
    if (!encrypted) problems.push('bucket has no ionoscloud_s3_bucket_server_side_encryption_configuration with an sse_algorithm');
    return problems;
  },
};
