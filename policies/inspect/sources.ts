/**
 * Whether a firewall rule's `source_ip` lets the whole internet in. A literal is read
 * as a CIDR (see text/cidr.ts). Locals are followed, and a variable is read through
 * its default; a variable without one is whatever the operator passes, so it counts
 * as the internet. A computed source counts as restricted only when it is an address
 * of the platform's own resources: an `ionoscloud_ipblock`'s `ips`, a server's
 * `primary_ip` or NIC `ips`, an `ionoscloud_nic`'s `ips`, or `element()` of one of
 * those lists. Anything else (`cidrsubnet("0.0.0.0/0", 0, 0)`, a conditional, a data
 * source) fails closed: what it evaluates to is not known at synth.
 */
import { TerraformLocal, TerraformVariable, type TerraformStack } from 'cdktf';
import { isInternetCidr } from '../text/cidr';
import { elementType, soleToken, type ElementIndex } from './elements';
import { isServerType } from './network';
import { literalNumber, literalString } from './values';

const MAX_DEPTH = 4;
const POSITION = String.raw`(\[\d+\]|\.\d+)?`;
const IPS = new RegExp(`^ips${POSITION}$`);
const SERVER_ADDRESS = new RegExp(`^(primary_ip|nic${POSITION}\\.ips${POSITION})$`);

function isAddressAttribute(type: string | undefined, attribute: string): boolean {
  if (type === 'ionoscloud_ipblock' || type === 'ionoscloud_nic') return IPS.test(attribute);
  return isServerType(type) && SERVER_ADDRESS.test(attribute);
}

interface Located {
  readonly value: unknown;
  readonly stack: TerraformStack;
}

/** The value behind the locals and variable defaults `value` passes through. */
function followed(value: unknown, index: ElementIndex, stack: TerraformStack, depth = 0): Located {
  const reference = depth < MAX_DEPTH ? index.plainReference(value, stack) : undefined;
  const element = reference?.attribute === '' ? reference.element : undefined;
  if (element instanceof TerraformLocal) return followed(index.body(element).value, index, element.cdktfStack, depth + 1);
  if (element instanceof TerraformVariable) return followed(index.body(element).default, index, element.cdktfStack, depth + 1);
  return { value, stack };
}

/** cdktf keeps a function call's name and arguments as fields of its expression object. */
function elementCallArguments(token: unknown): unknown[] | undefined {
  const call = token as { name?: unknown; args?: unknown } | undefined;
  return call?.name === 'element' && Array.isArray(call.args) ? call.args : undefined;
}

function isOwnAddress({ value, stack }: Located, index: ElementIndex, depth = 0): boolean {
  const target = followed(value, index, stack);
  const elementArguments = elementCallArguments(soleToken(target.value));
  if (elementArguments) {
    const [list, position] = elementArguments;
    return depth < MAX_DEPTH && literalNumber(position) !== undefined && isOwnAddress({ value: list, stack: target.stack }, index, depth + 1);
  }
  const reference = index.plainReference(target.value, target.stack);
  return reference !== undefined && isAddressAttribute(elementType(reference.element), reference.attribute);
}

export function isInternetSource(sourceIp: unknown, index: ElementIndex, stack: TerraformStack): boolean {
  const source = followed(sourceIp, index, stack);
  if (source.value === null || source.value === undefined) return true;
  const literal = literalString(source.value);
  if (literal !== undefined) return isInternetCidr(literal);
  return !isOwnAddress(source, index);
}
