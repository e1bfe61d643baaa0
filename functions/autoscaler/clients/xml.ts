/**
 * BBB-style XML documents (<response><returncode>SUCCESS</returncode>...) as plain
 * objects: an element with child elements becomes an object, one without its trimmed
 * text; attributes are ignored; an element name repeated under one parent becomes a
 * list, and meetings and recordings are always lists. The parser is htmlparser2 in
 * XML mode: lenient like BBB's clients, and fast enough to read a large pool's
 * getMeetings answers every minute.
 */
import { Parser } from 'htmlparser2';

export interface BbbResponse {
  readonly returncode?: string;
  readonly messageKey?: string;
  readonly message?: string;
  readonly [key: string]: unknown;
}

const ALWAYS_LISTS = new Set(['response.meetings.meeting', 'response.recordings.recording']);

interface OpenElement {
  readonly path: string;
  readonly children: Map<string, unknown[]>;
  text: string;
}

function finish(element: OpenElement): unknown {
  if (element.children.size === 0) return element.text.trim();
  const object: Record<string, unknown> = {};
  for (const [name, values] of element.children) {
    object[name] = values.length > 1 || ALWAYS_LISTS.has(`${element.path}.${name}`) ? values : values[0];
  }
  return object;
}

function parseDocument(text: string): Record<string, unknown> {
  const root: OpenElement = { path: '', children: new Map(), text: '' };
  const open: Array<OpenElement & { readonly name: string }> = [];
  const current = () => open[open.length - 1] ?? root;
  const parser = new Parser(
    {
      onopentag(name) {
        const parent = current();
        open.push({ name, path: parent.path ? `${parent.path}.${name}` : name, children: new Map(), text: '' });
      },
      ontext(data) {
        current().text += data;
      },
      onclosetag() {
        const element = open.pop();
        if (!element) return;
        const siblings = current().children;
        const value = finish(element);
        const existing = siblings.get(element.name);
        if (existing) existing.push(value);
        else siblings.set(element.name, [value]);
      },
    },
    { xmlMode: true, decodeEntities: true },
  );
  parser.end(text);
  return finish(root) as Record<string, unknown>;
}

/** The <response> element, or undefined when the text is not such a document. */
export function parseBbbResponse(text: string): BbbResponse | undefined {
  if (!text.trimStart().startsWith('<')) return undefined;
  const { response } = parseDocument(text);
  return typeof response === 'object' && response !== null && !Array.isArray(response) ? (response as BbbResponse) : undefined;
}
