/**
 * Whether a firewall source means "anyone". IONOS treats an empty source as any
 * address; a prefix shorter than /8 (IPv4) or /16 (IPv6) is counted as the whole
 * internet too, so splitting 0.0.0.0/0 into halves does not slip through.
 */
import { isExpression, literalString } from '../inspect/values';

export function isInternetSource(sourceIp: unknown): boolean {
  if (sourceIp === null || sourceIp === undefined) return true;
  // A Terraform reference names a specific address or block (an IP block, a server).
  if (isExpression(sourceIp)) return false;
  const source = literalString(sourceIp)?.trim() ?? '';
  if (source === '') return true;
  const [address, prefix] = source.split('/');
  if (prefix === undefined) return false;
  const bits = Number(prefix);
  return address.includes(':') ? bits < 16 : bits < 8;
}
