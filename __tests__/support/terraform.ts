/**
 * The real Terraform judges the synthesized stacks against the fake cloud. Terraform
 * >= 1.11 must be on the PATH: on a developer machine without it the tests are skipped
 * with the reason; in CI (CI set) a missing or older Terraform fails the run.
 */
import { supportedTerraform, terraformVersion } from '../../fake-cloud/harness/terraform';

export function describeWithTerraform(name: string, body: () => void): void {
  const version = terraformVersion();
  if (version && supportedTerraform(version)) {
    describe(name, body);
    return;
  }
  const problem = version ? `terraform ${version} is older than 1.11` : 'terraform not installed';
  if (process.env.CI) {
    describe(name, () => {
      it('needs terraform 1.11 or newer', () => {
        throw new Error(`${problem}: CI must have Terraform >= 1.11 on the PATH`);
      });
    });
    return;
  }
  const describeSkipped = describe.skip;
  describeSkipped(`${name} (skipped: ${problem})`, body);
}
