/**
 * Renders the files in templates/ (the files that land on machines). Placeholders
 * are `{{ name }}`; every placeholder must be given a value and every value must be
 * used, so a renamed variable fails at synth instead of shipping a literal `{{ }}`.
 * Values may be Terraform references (cdktf tokens); they resolve at apply time.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

export const TEMPLATES_DIR = path.resolve(__dirname, '..', 'templates');

const PLACEHOLDER = /\{\{\s*([a-zA-Z][a-zA-Z0-9_]*)\s*\}\}/g;
const cache = new Map<string, string>();

export type TemplateValues = Readonly<Record<string, string | number | boolean>>;

export function readTemplate(relativePath: string): string {
  let text = cache.get(relativePath);
  if (text === undefined) {
    text = readFileSync(path.join(TEMPLATES_DIR, relativePath), 'utf8');
    cache.set(relativePath, text);
  }
  return text;
}

export function renderTemplate(relativePath: string, values: TemplateValues = {}): string {
  return fillPlaceholders(readTemplate(relativePath), values, `templates/${relativePath}`);
}

export function fillPlaceholders(text: string, values: TemplateValues, source: string): string {
  const used = new Set<string>();
  const missing = new Set<string>();
  const rendered = text.replace(PLACEHOLDER, (_, name: string) => {
    if (!(name in values)) {
      missing.add(name);
      return '';
    }
    used.add(name);
    return String(values[name]);
  });
  const unused = Object.keys(values).filter((name) => !used.has(name));
  if (missing.size > 0 || unused.length > 0) {
    const parts = [
      missing.size > 0 ? `no value for ${[...missing].join(', ')}` : '',
      unused.length > 0 ? `unused value(s) ${unused.join(', ')}` : '',
    ].filter(Boolean);
    throw new Error(`${source}: ${parts.join('; ')}`);
  }
  return rendered;
}
