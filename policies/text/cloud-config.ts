import * as yaml from 'js-yaml';

export type PasswordLogin = 'disabled' | 'enabled' | 'unset' | 'not-cloud-config' | 'invalid';

const FALSE_WORDS = new Set(['false', 'no', 'off', '0']);

/** The `#cloud-config` documents in user_data: the text itself, or the parts of a MIME multipart. */
export function cloudConfigDocuments(userData: string): string[] {
  const text = userData.replace(/^\uFEFF/, '');
  if (text.startsWith('#cloud-config')) return [text];
  const boundary = /boundary="?([^"\s;]+)"?/i.exec(text.slice(0, 2048))?.[1];
  if (!/^content-type:\s*multipart\//im.test(text.slice(0, 2048)) || !boundary) return [];
  return text
    .split(`--${boundary}`)
    .map((part) => part.split(/\r?\n\r?\n/))
    .filter(([headers]) => /content-type:\s*text\/cloud-config/i.test(headers ?? ''))
    .map(([, ...body]) => body.join('\n\n'));
}

/** What the user_data says about SSH password login (cloud-init's `ssh_pwauth`). */
export function passwordLogin(userData: string): PasswordLogin {
  const documents = cloudConfigDocuments(userData);
  if (documents.length === 0) return 'not-cloud-config';
  let result: PasswordLogin = 'unset';
  for (const document of documents) {
    let parsed: unknown;
    try {
      parsed = yaml.load(document);
    } catch {
      return 'invalid';
    }
    if (typeof parsed !== 'object' || parsed === null || !('ssh_pwauth' in parsed)) continue;
    const value = (parsed as { ssh_pwauth: unknown }).ssh_pwauth;
    const disabled = value === false || (typeof value === 'string' && FALSE_WORDS.has(value.trim().toLowerCase()));
    result = disabled ? 'disabled' : 'enabled';
  }
  return result;
}
