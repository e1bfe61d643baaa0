/**
 * Reads a synthesized `user_data` (or other joined text) back into the document the
 * VM receives. The value is the Terraform expression base64encode(join("", [<HCL
 * strings and references>])) or join("", [...]);
 * HCL string escapes are undone here (\\ \" \n \r \t, $${ and %%{) and each reference
 * is replaced by a stand-in value, the way Terraform would insert the real one.
 */
export type ReferenceValue = (reference: string) => string;

const USER_DATA = { prefix: '${base64encode(join("", [', suffix: ']))}' };
const JOINED_TEXT = { prefix: '${join("", [', suffix: '])}' };

export function decodeUserData(expression: string, valueOf: ReferenceValue): string {
  return decodeList(expression, USER_DATA, valueOf);
}

/** The text of a `${join("", [...])}` expression (terraformString, terraformJson). */
export function decodeJoinedText(expression: string, valueOf: ReferenceValue): string {
  return decodeList(expression, JOINED_TEXT, valueOf);
}

function decodeList(expression: string, frame: { prefix: string; suffix: string }, valueOf: ReferenceValue): string {
  if (!expression.startsWith(frame.prefix) || !expression.endsWith(frame.suffix)) {
    throw new Error(`not a ${frame.prefix}...${frame.suffix} expression: ${expression.slice(0, 60)}`);
  }
  const list = expression.slice(frame.prefix.length, -frame.suffix.length);
  let position = 0;
  let text = '';
  while (position < list.length) {
    if (list[position] === '"') {
      const [value, end] = readHclString(list, position);
      text += value;
      position = end;
    } else {
      const end = referenceEnd(list, position);
      text += valueOf(list.slice(position, end).trim());
      position = end;
    }
    if (list.startsWith(', ', position)) position += 2;
  }
  return text;
}

/** The user_data expression of a synthesized ionoscloud_server. */
export function userDataOf(server: Record<string, any>): string {
  return server.volume.user_data as string;
}

/** Stand-ins for the references a pool stack puts into user data. */
export const standInValues: ReferenceValue = (reference) => {
  const secret = /^random_password\.([A-Za-z0-9_]+)\.result$/.exec(reference);
  if (secret) return `secret${secret[1].replace(/[^A-Za-z0-9]/g, '')}`;
  if (/^element\(data\.terraform_remote_state\.[^,]+ips, 0\)$/.test(reference)) return '203.0.113.10';
  if (/^data\.terraform_remote_state\.[^ ]+nfs_path$/.test(reference)) return '/ionos-nfs/scalelite';
  if (/^trimspace\(tls_private_key\.[\w]+\.public_key_openssh\)$/.test(reference)) return 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBzV0Y0f7P2S3kz4X0yq5m1fJ9yS2H0Q0gq6m2cQb7Zp autoscaler';
  throw new Error(`no stand-in for reference ${reference}`);
};

function readHclString(source: string, start: number): [string, number] {
  let value = '';
  let position = start + 1;
  while (position < source.length) {
    const char = source[position];
    if (char === '"') return [value, position + 1];
    if (char === '\\') {
      const next = source[position + 1];
      const escapes: Record<string, string> = { '\\': '\\', '"': '"', n: '\n', r: '\r', t: '\t' };
      if (!(next in escapes)) throw new Error(`unknown HCL escape \\${next} at ${position}`);
      value += escapes[next];
      position += 2;
    } else if (source.startsWith('$${', position) || source.startsWith('%%{', position)) {
      value += `${char}{`;
      position += 3;
    } else if (source.startsWith('${', position) || source.startsWith('%{', position)) {
      throw new Error(`unescaped template sequence in an HCL literal at ${position}: ${source.slice(position, position + 20)}`);
    } else {
      value += char;
      position += 1;
    }
  }
  throw new Error('unterminated HCL string');
}

function referenceEnd(source: string, start: number): number {
  let depth = 0;
  for (let position = start; position < source.length; position += 1) {
    const char = source[position];
    if (char === '(') depth += 1;
    if (char === ')') depth -= 1;
    if (depth === 0 && source.startsWith(', ', position)) return position;
  }
  return source.length;
}
