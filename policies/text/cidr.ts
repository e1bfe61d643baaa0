/**
 * Whether a literal firewall source means "anyone". IONOS treats an empty source as
 * any address; a prefix shorter than /8 (IPv4) or /16 (IPv6) is counted as the whole
 * internet too, so splitting 0.0.0.0/0 into halves does not slip through.
 */
import { WIDEST_RESTRICTED_PREFIX } from '../../conventions/admin-networks';

export function isInternetCidr(source: string): boolean {
  const trimmed = source.trim();
  if (trimmed === '') return true;
  const [address, prefix] = trimmed.split('/');
  if (prefix === undefined) return false;
  const bits = Number(prefix);
  return bits < (address.includes(':') ? WIDEST_RESTRICTED_PREFIX.ipv6 : WIDEST_RESTRICTED_PREFIX.ipv4);
}
