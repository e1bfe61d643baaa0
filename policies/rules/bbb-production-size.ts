import type { IConstruct } from 'constructs';
import { TerraformElement } from 'cdktf';
import { elementType, type ElementIndex } from '../inspect/elements';
import { literalNumber, literalString } from '../inspect/values';
import type { PolicyRule } from '../rule';

const BBB_NAME = /(^|-)bbb-/;
const SERVER_TYPES: ReadonlySet<string | undefined> = new Set(['ionoscloud_server', 'ionoscloud_vcpu_server']);
/** BigBlueButton's minimum for production (docs.bigbluebutton.org/administration/install#minimum-server-requirements). */
const PRODUCTION_CORES = 8;
const PRODUCTION_RAM_MB = 16 * 1024;

export const bbbProductionSize: PolicyRule = {
  id: 'BBB-PRODUCTION-SIZE',
  severity: 'warning',
  reason:
    'BigBlueButton documents 8 cores and 16 GB of memory as the minimum for a production server; a smaller one carries far fewer users and its audio breaks up first',
  check(node: IConstruct, index: ElementIndex): string[] {
    if (!TerraformElement.isTerraformElement(node) || !SERVER_TYPES.has(elementType(node))) return [];
    const body = index.body(node);
    const name = literalString(body.name);
    if (!name || !BBB_NAME.test(name)) return [];
    const cores = literalNumber(body.cores);
    const ramMb = literalNumber(body.ram);
    if (cores === undefined || ramMb === undefined) return [];
    if (cores >= PRODUCTION_CORES && ramMb >= PRODUCTION_RAM_MB) return [];
    return [
      `BBB server ${name} has ${cores} cores and ${ramMb / 1024} GB, below BigBlueButton's production minimum of ${PRODUCTION_CORES} cores and ${PRODUCTION_RAM_MB / 1024} GB (bbb.cores, bbb.ramGb)`,
    ];
  },
};
