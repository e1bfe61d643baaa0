/** Server-side checksum verification as Scalelite and BBB do it. */
import { createHash, timingSafeEqual } from 'node:crypto';

const ALGORITHM_BY_LENGTH: Record<number, string> = { 40: 'sha1', 64: 'sha256', 96: 'sha384', 128: 'sha512' };

/** Whether `checksum` in the query signs callName + the rest of the query + secret. */
export function verifyChecksum(callName: string, rawQuery: string, secret: string): boolean {
  const params = new URLSearchParams(rawQuery);
  const given = params.get('checksum');
  if (!given) return false;
  const algorithm = ALGORITHM_BY_LENGTH[given.length];
  if (!algorithm) return false;
  const unsigned = rawQuery
    .split('&')
    .filter((pair) => !pair.startsWith('checksum='))
    .join('&');
  const expected = createHash(algorithm).update(callName + unsigned + secret).digest('hex');
  return timingSafeEqual(Buffer.from(expected), Buffer.from(given.toLowerCase()));
}

export function bbbErrorXml(messageKey: string, message: string): string {
  return `<response><returncode>FAILED</returncode><messageKey>${messageKey}</messageKey><message>${message}</message></response>`;
}
