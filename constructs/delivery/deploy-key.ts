import { TerraformStack, TerraformVariable } from 'cdktf';
import type { Construct } from 'constructs';

const VARIABLE_ID = 'ssh_private_key';

/**
 * The private half of one of `sshKeys`, used by Terraform to push configuration
 * over SSH. A sensitive variable per stack (TF_VAR_ssh_private_key), so the key
 * never lands in the repository or in cdktf.out.
 */
export function deployKey(scope: Construct): string {
  const stack = TerraformStack.of(scope);
  const existing = stack.node.tryFindChild(VARIABLE_ID) as TerraformVariable | undefined;
  const variable =
    existing ??
    new TerraformVariable(stack, VARIABLE_ID, {
      type: 'string',
      sensitive: true,
      nullable: false,
      description: 'Private SSH key matching one of the environment sshKeys; used to push configuration to the VMs.',
    });
  return variable.stringValue;
}
