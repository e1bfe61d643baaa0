/**
 * Heuristics for literal secrets (documented in docs/security.md):
 * - a key that names a credential (password, passwd, secret, token, api key, private
 *   key, access key anywhere in it, or pass or pwd as a word of it) holding a literal,
 *   non-empty string;
 * - in text (user_data, pushed files, commands): `KEY=value`, `KEY: value` and
 *   `--key=value` with such a key, credentials inside URLs (`scheme://user:pass@`,
 *   also with an empty user as in `redis://:pass@`), and PEM private key blocks.
 * Not secrets: Terraform placeholders (`${tf:...}`), shell/compose/template variables
 * (`$VAR`, `${VAR}`, `{{ var }}`), file paths, booleans, YAML block/flow openers, and
 * keys that only describe a secret (`*_file`, `*_path`, `*_length`, `*_ttl`, ...).
 */
const SECRET_PARTS = 'password|passwd|secret|token|api[_-]?key|private[_-]?key|access[_-]?key';
const SECRET_PART = new RegExp(`(${SECRET_PARTS})`, 'i');
/**
 * Short credential names count only as a whole word of a key (`SMTP_PASS`, `auth_pass`,
 * `dbPwd`): as a part of one they are common words (passive, bypass, compass).
 */
const SECRET_WORDS = new Set(['pass', 'pwd']);
/** What the key patterns below must find so that isSecretKey can decide. */
const SECRET_CANDIDATES = `${SECRET_PARTS}|${[...SECRET_WORDS].join('|')}`;

/** The words of a key: `SMTP_PASS` -> smtp, pass; `dbPwd` -> db, pwd; `SMTPPass` -> smtp, pass. */
function keyWords(key: string): string[] {
  return key
    .replace(/([a-z\d])([A-Z])/g, '$1 $2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z]+/);
}

const DESCRIPTIVE_SUFFIX =
  /[_-](file|path|dir|length|len|ttl|expiry|expires|expiration|name|id|ids|url|uri|endpoint|type|algorithm|mode|method|policy|header|enabled|version|size|count|auth|stdin|hash|hashed)$/i;

const NON_SECRET_VALUES = new Set(['', 'true', 'false', 'yes', 'no', 'on', 'off', 'null', '~', '|', '>', '|-', '>-', '|+', '>+', '""', "''"]);

/** A key that names a credential rather than describing one. */
export function isSecretKey(key: string): boolean {
  const named = SECRET_PART.test(key) || keyWords(key).some((word) => SECRET_WORDS.has(word));
  // NOPASSWD is a sudoers tag, not a credential.
  return named && !DESCRIPTIVE_SUFFIX.test(key) && key.toUpperCase() !== 'NOPASSWD';
}

/** A value that is a reference, variable, path or flag rather than the secret itself. */
export function isIndirectValue(value: string): boolean {
  const v = value.trim();
  return (
    NON_SECRET_VALUES.has(v.toLowerCase()) ||
    v.includes('${') ||
    /\$[A-Za-z_({]/.test(v) ||
    v.includes('{{') ||
    v.includes('%{') ||
    v.startsWith('/') ||
    v.startsWith('{') ||
    v.startsWith('[') ||
    v.startsWith('-')
  );
}

const ASSIGNMENTS = new RegExp(
  String.raw`(?:^|[\s"'{,;(-])([A-Za-z0-9_.-]*(?:${SECRET_CANDIDATES})[A-Za-z0-9_.-]*)["']?\s*[:=]\s*("[^"]*"|'[^']*'|[^\s,;}]*)`,
  'gi',
);
/** The user may be empty: `redis://:password@host` is how Redis URLs carry a password. */
const URL_CREDENTIALS = /[a-z][a-z0-9+.-]*:\/\/[^\s:/@'"]*:([^\s@/'"]+)@/i;
const PEM_PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;

function unquote(value: string): string {
  const quoted = /^(["'])(.*)\1$/.exec(value);
  return quoted ? quoted[2] : value;
}

/** Cheap first look: a line that matches none of these cannot carry a finding. */
const MAYBE_SECRET = new RegExp(`${SECRET_CANDIDATES}|://|PRIVATE KEY`, 'i');

function lineFindings(line: string): string[] {
  if (!MAYBE_SECRET.test(line)) return [];
  if (PEM_PRIVATE_KEY.test(line)) return ['a PEM private key'];
  const url = URL_CREDENTIALS.exec(line);
  if (url && !isIndirectValue(url[1])) return ['a password inside a URL'];
  // Comments describe secrets ("holds the API secrets: root only"); they do not set them.
  if (/^\s*(#|\/\/|;)/.test(line)) return [];
  const found: string[] = [];
  for (const [, key, rawValue] of line.matchAll(ASSIGNMENTS)) {
    if (isSecretKey(key) && !isIndirectValue(unquote(rawValue))) found.push(`${key} is set to a literal`);
  }
  return found;
}

/** The cheap first look over a whole text at once: one scan finds the few lines worth a closer one. */
const MAYBE_SECRET_ANYWHERE = new RegExp(MAYBE_SECRET.source, 'gi');

/** Lines of `text` that carry a literal secret, as `line N: <what>` (values are never echoed). */
export function literalSecretsInText(text: string): string[] {
  const found: string[] = [];
  let lineNumber = 1;
  let counted = 0;
  for (const candidate of text.matchAll(MAYBE_SECRET_ANYWHERE)) {
    const start = text.lastIndexOf('\n', candidate.index) + 1;
    if (start < counted) continue;
    for (let at = text.indexOf('\n', counted); at !== -1 && at < start; at = text.indexOf('\n', at + 1)) lineNumber += 1;
    const end = text.indexOf('\n', candidate.index);
    counted = end === -1 ? text.length + 1 : end + 1;
    const line = text.slice(start, end === -1 ? undefined : end);
    for (const finding of lineFindings(line)) found.push(`line ${lineNumber}: ${finding}`);
    lineNumber += 1;
  }
  return found;
}
