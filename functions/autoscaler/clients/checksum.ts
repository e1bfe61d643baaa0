/**
 * BigBlueButton-style request signing, shared by BBB and Scalelite: the hex digest of
 * call name + query string (without the checksum) + shared secret.
 */
import { createHash } from 'node:crypto';

export type ChecksumAlgorithm = 'sha1' | 'sha256' | 'sha512';

export function checksum(callName: string, query: string, secret: string, algorithm: ChecksumAlgorithm): string {
  return createHash(algorithm).update(callName + query + secret).digest('hex');
}

/** `<base>/<callName>?<query>&checksum=<digest>` */
export function signedUrl(
  baseUrl: string,
  callName: string,
  params: Record<string, string>,
  secret: string,
  algorithm: ChecksumAlgorithm,
): string {
  const query = new URLSearchParams(params).toString();
  const digest = checksum(callName, query, secret, algorithm);
  const signedQuery = query ? `${query}&checksum=${digest}` : `checksum=${digest}`;
  return `${baseUrl.replace(/\/+$/, '')}/${callName}?${signedQuery}`;
}
