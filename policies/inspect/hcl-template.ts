/**
 * Evaluates the part of a synthesized Terraform string that is known at synth: the
 * JSON string is a template (`$${` escapes, `${ expr }` interpolations), and the
 * expressions cdktf emits for text are string literals, `join(sep, [...])` and
 * `base64encode(...)`. Everything else (references, other functions, operators)
 * is computed by Terraform and becomes a `${tf:<expression>}` placeholder.
 */
export const PLACEHOLDER_PREFIX = '${tf:';

type Value = { kind: 'text'; text: string } | { kind: 'list'; items: Value[] } | { kind: 'opaque'; source: string };

export interface EvaluatedTemplate {
  readonly text: string;
  /** The text was wrapped in base64encode(), so Terraform hands the VM exactly this text. */
  readonly base64Encoded: boolean;
  /** Nothing of the text is known at synth (the template is one computed expression). */
  readonly opaque: boolean;
}

class ParseError extends Error {}

// Sticky patterns, matched in place: slicing the rest of a 30 KB user_data per character is quadratic.
const PLAIN = /[^$%]+/y;
const PLAIN_QUOTED = /[^$%"\\]+/y;
const SPACE = /\s+/y;
const NUMBER = /-?\d+(\.\d+)?([eE][+-]?\d+)?/y;
const NAME = /[A-Za-z_][\w-]*/y;
const TRAVERSAL = /(?:\.[\w*-]+|\[[^\]]*\])*/y;

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' };

function placeholder(source: string): string {
  return `${PLACEHOLDER_PREFIX}${source.trim()}}`;
}

function asText(value: Value): string {
  if (value.kind === 'text') return value.text;
  return placeholder(value.kind === 'opaque' ? value.source : 'list');
}

class Parser {
  position = 0;
  base64Encoded = false;

  constructor(private readonly source: string) {}

  /** Template content up to `end` (a closing quote) or the end of input. */
  template(quoted: boolean): Value[] {
    const parts: Value[] = [];
    let literal = '';
    const flush = () => {
      if (literal) parts.push({ kind: 'text', text: literal });
      literal = '';
    };
    while (this.position < this.source.length) {
      const plain = this.match(quoted ? PLAIN_QUOTED : PLAIN);
      if (plain) {
        literal += plain;
      } else if (quoted && this.at('"')) {
        this.position += 1;
        flush();
        return parts;
      } else if (this.at('$${') || this.at('%%{')) {
        literal += `${this.source[this.position]}{`;
        this.position += 3;
      } else if (this.at('${')) {
        flush();
        this.position += 2;
        parts.push(this.interpolation());
      } else if (this.at('%{')) {
        throw new ParseError('template directives are not evaluated');
      } else if (quoted && this.at('\\')) {
        literal += this.escape();
      } else {
        literal += this.source[this.position];
        this.position += 1;
      }
    }
    if (quoted) throw new ParseError('unterminated string');
    flush();
    return parts;
  }

  private at(text: string): boolean {
    return this.source.startsWith(text, this.position);
  }

  /** Consumes what a sticky pattern matches at the current position (long strings stay linear). */
  private match(pattern: RegExp): string | undefined {
    pattern.lastIndex = this.position;
    const found = pattern.exec(this.source)?.[0];
    if (found) this.position += found.length;
    return found || undefined;
  }

  private escape(): string {
    const kind = this.source[this.position + 1];
    if (kind in ESCAPES) {
      this.position += 2;
      return ESCAPES[kind];
    }
    const width = kind === 'u' ? 4 : kind === 'U' ? 8 : 0;
    if (!width) throw new ParseError(`unknown escape \\${kind}`);
    const code = this.source.slice(this.position + 2, this.position + 2 + width);
    this.position += 2 + width;
    return String.fromCodePoint(parseInt(code, 16));
  }

  /** `${ expr }`: the expression, or an opaque value when it is more than we evaluate. */
  private interpolation(): Value {
    const start = this.position;
    try {
      this.skipSpace();
      const value = this.expression();
      this.skipSpace();
      if (this.source[this.position] === '}') {
        this.position += 1;
        return value;
      }
    } catch (error) {
      if (!(error instanceof ParseError)) throw error;
    }
    this.position = start;
    const end = this.matchingBrace(start);
    this.position = end + 1;
    return { kind: 'opaque', source: this.source.slice(start, end) };
  }

  private matchingBrace(from: number): number {
    let depth = 0;
    for (let index = from; index < this.source.length; index += 1) {
      const char = this.source[index];
      if (char === '"') {
        index = this.skipString(index);
      } else if (char === '{') {
        depth += 1;
      } else if (char === '}') {
        if (depth === 0) return index;
        depth -= 1;
      }
    }
    throw new ParseError('unterminated interpolation');
  }

  private skipString(openQuote: number): number {
    for (let index = openQuote + 1; index < this.source.length; index += 1) {
      if (this.source[index] === '\\') index += 1;
      else if (this.source[index] === '"') return index;
    }
    throw new ParseError('unterminated string');
  }

  private skipSpace(): void {
    this.match(SPACE);
  }

  private expression(): Value {
    this.skipSpace();
    const char = this.source[this.position];
    if (char === '"') {
      this.position += 1;
      return { kind: 'text', text: this.template(true).map(asText).join('') };
    }
    if (char === '[') return this.list();
    const number = this.match(NUMBER);
    if (number) return { kind: 'text', text: number };
    const name = this.match(NAME);
    if (!name) throw new ParseError(`unexpected ${char}`);
    if (this.source[this.position] === '(') return this.call(name);
    const traversal = this.match(TRAVERSAL) ?? '';
    return { kind: 'opaque', source: `${name}${traversal}` };
  }

  private list(): Value {
    this.position += 1;
    return { kind: 'list', items: this.items(']') };
  }

  /** Comma-separated expressions up to and including `close`. */
  private items(close: string): Value[] {
    const items: Value[] = [];
    this.skipSpace();
    while (this.source[this.position] !== close) {
      items.push(this.expression());
      this.skipSpace();
      if (this.source[this.position] === ',') this.position += 1;
      else if (this.source[this.position] !== close) throw new ParseError(`expected , or ${close}`);
      this.skipSpace();
    }
    this.position += 1;
    return items;
  }

  private call(name: string): Value {
    const start = this.position - name.length;
    this.position += 1;
    const args = this.items(')');
    if (name === 'base64encode' && args.length === 1) {
      this.base64Encoded = true;
      return { kind: 'text', text: asText(args[0]) };
    }
    if (name === 'join' && args.length === 2 && args[0].kind === 'text' && args[1].kind === 'list') {
      return { kind: 'text', text: args[1].items.map(asText).join(args[0].text) };
    }
    return { kind: 'opaque', source: this.source.slice(start, this.position) };
  }
}

/** The text a synthesized Terraform string produces, with computed parts as placeholders. */
export function evaluateTemplate(source: string): EvaluatedTemplate | undefined {
  // Most arguments (names, sizes, addresses) hold no template sequence at all.
  if (!source.includes('${') && !source.includes('%{')) return { text: source, base64Encoded: false, opaque: false };
  const parser = new Parser(source);
  try {
    const parts = parser.template(false);
    const opaque = parts.length === 1 && parts[0].kind !== 'text';
    return { text: parts.map(asText).join(''), base64Encoded: parser.base64Encoded, opaque };
  } catch (error) {
    if (error instanceof ParseError) return undefined;
    throw error;
  }
}
