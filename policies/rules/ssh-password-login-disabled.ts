import type { IConstruct } from 'constructs';
import { TerraformElement } from 'cdktf';
import { elementType, type ElementIndex } from '../inspect/elements';
import { isServerType } from '../inspect/network';
import { renderText } from '../inspect/text';
import { blocks } from '../inspect/values';
import { passwordLogin } from '../text/cloud-config';
import type { PolicyRule } from '../rule';

const EXPLANATION: Record<Exclude<ReturnType<typeof passwordLogin>, 'disabled'>, string> = {
  enabled: 'sets ssh_pwauth to something other than false',
  unset: 'does not set ssh_pwauth: false',
  'not-cloud-config': 'is not a #cloud-config document, so nothing turns SSH password login off',
  invalid: 'is not valid YAML',
};

export const sshPasswordLoginDisabled: PolicyRule = {
  id: 'SSH-NO-PASSWORD',
  severity: 'error',
  reason: 'password SSH logins are brute-forced within minutes of a VM getting a public address; the ops account logs in with keys only',
  check(node: IConstruct, index: ElementIndex): string[] {
    if (!TerraformElement.isTerraformElement(node)) return [];
    if (!isServerType(elementType(node))) return [];
    const volumes = blocks(index.synthesized(node).volume);
    const userData = volumes.map((volume) => volume.user_data).find((value) => value !== undefined);
    if (userData === undefined) return ['volume has no user_data, so nothing sets ssh_pwauth: false'];
    const rendered = renderText(userData, node.cdktfStack, index, { base64: true });
    if (!rendered) return ['volume.user_data is computed at apply time; render it at synth so ssh_pwauth: false can be verified'];
    const state = passwordLogin(rendered.text);
    return state === 'disabled' ? [] : [`volume.user_data (${rendered.via}) ${EXPLANATION[state]}`];
  },
};
