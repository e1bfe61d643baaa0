import type { IConstruct } from 'constructs';
import { TerraformElement } from 'cdktf';
import { elementType, type ElementIndex } from '../inspect/elements';
import { literalString } from '../inspect/values';
import type { PolicyRule } from '../rule';

const BBB_NAME = /(^|-)bbb-/;

export const bbbDedicatedCores: PolicyRule = {
  id: 'BBB-DEDICATED-CORES',
  severity: 'warning',
  reason: 'BigBlueButton audio breaks up when CPU time is stolen; shared vCPU and Cube servers cannot guarantee the cores a conference needs',
  check(node: IConstruct, index: ElementIndex): string[] {
    if (!TerraformElement.isTerraformElement(node)) return [];
    const type = elementType(node);
    if (type !== 'ionoscloud_server' && type !== 'ionoscloud_vcpu_server' && type !== 'ionoscloud_cube_server') return [];
    const body = index.body(node);
    const name = literalString(body.name);
    if (!name || !BBB_NAME.test(name)) return [];
    // ionoscloud_server without `type` is created as ENTERPRISE.
    const serverType = type === 'ionoscloud_server' ? (literalString(body.type)?.toUpperCase() ?? 'ENTERPRISE') : type.replace('ionoscloud_', '').replace('_server', '').toUpperCase();
    return serverType === 'ENTERPRISE' ? [] : [`BBB server ${name} is ${serverType}, not ENTERPRISE (dedicated cores)`];
  },
};
