/**
 * Reads a synthesized `user_data` back into the document the VM receives. The value
 * is the Terraform expression base64encode(join("", [<HCL strings and references>]));
 * HCL string escapes are undone here (\\ \" \n \r \t, $${ and %%{) and each reference
 * is replaced by a stand-in value, the way Terraform would insert the real one.
 */
export type ReferenceValue = (reference: string) => string;

const PREFIX = '${base64encode(join("", [';
const SUFFIX = ']))}';

export function decodeUserData(expression: string, valueOf: ReferenceValue): string {
  if (!expression.startsWith(PREFIX) || !expression.endsWith(SUFFIX)) {
    throw new Error(`not a joined user_data expression: ${expression.slice(0, 60)}`);
  }
  const list = expression.slice(PREFIX.length, -SUFFIX.length);
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
