import { S3Bucket } from '../../.gen/providers/ionoscloud/s3-bucket';
import { S3BucketPublicAccessBlock } from '../../.gen/providers/ionoscloud/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfiguration } from '../../.gen/providers/ionoscloud/s3-bucket-server-side-encryption-configuration';
import { findingsOf, policyFixture } from './fixtures';

const RULE = 'BUCKET-PRIVATE-ENCRYPTED';
const ALL_BLOCKED = { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true };

describe(RULE, () => {
  it('accepts a bucket with public access blocked and default encryption (by reference or by name)', () => {
    const fixture = policyFixture();
    const state = new S3Bucket(fixture.stack, 'State', { name: 'bbb-example-tfstate' });
    new S3BucketPublicAccessBlock(fixture.stack, 'StateBlock', { bucket: state.name, ...ALL_BLOCKED });
    new S3BucketServerSideEncryptionConfiguration(fixture.stack, 'StateSse', {
      bucket: 'bbb-example-tfstate',
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }],
    });
    expect(findingsOf(fixture.stack, RULE)).toEqual([]);
  });

  it('rejects a bucket without either', () => {
    const fixture = policyFixture();
    new S3Bucket(fixture.stack, 'State', { name: 'bbb-example-tfstate' });
    const findings = findingsOf(fixture.stack, RULE);
    expect(findings.map((finding) => finding.path)).toEqual(['fixture/State', 'fixture/State']);
    expect(findings[0].message).toContain('no ionoscloud_s3_bucket_public_access_block with block_public_acls, block_public_policy, ignore_public_acls, restrict_public_buckets all true');
    expect(findings[1].message).toContain('no ionoscloud_s3_bucket_server_side_encryption_configuration');
  });

  it('rejects a public access block that leaves one flag off, and encryption of another bucket', () => {
    const fixture = policyFixture();
    const state = new S3Bucket(fixture.stack, 'State', { name: 'bbb-example-tfstate' });
    const other = new S3Bucket(fixture.stack, 'Other', { name: 'other' });
    new S3BucketPublicAccessBlock(fixture.stack, 'StateBlock', { bucket: state.name, ...ALL_BLOCKED, restrictPublicBuckets: false });
    new S3BucketPublicAccessBlock(fixture.stack, 'OtherBlock', { bucket: other.name, ...ALL_BLOCKED });
    new S3BucketServerSideEncryptionConfiguration(fixture.stack, 'OtherSse', {
      bucket: other.name,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }],
    });
    const findings = findingsOf(fixture.stack, RULE);
    expect(findings.map((finding) => finding.path)).toEqual(['fixture/State', 'fixture/State']);
  });
});
