/**
 * The hold list: servers an operator has taken out of the autoscaler's hands (a
 * maintenance, a rebuild, a secret rotation). A plain text file, one server name per
 * line, `#` starts a comment, blank lines are ignored; a missing file holds nothing.
 * It is read on every tick, so adding or removing a line applies at the next one.
 */
import { readFileSync } from 'node:fs';

export const DEFAULT_HOLD_PATH = '/etc/bbb-autoscaler/hold';

export interface HoldList {
  /** Where the list was read from (for messages). */
  readonly source: string;
  readonly names: ReadonlySet<string>;
}

export class HoldFileError extends Error {
  override readonly name = 'HoldFileError';
}

export function parseHoldList(text: string, source = '<hold>'): HoldList {
  const names = new Set<string>();
  for (const line of text.split(/\r?\n/)) {
    const name = line.replace(/#.*$/, '').trim();
    if (name) names.add(name);
  }
  return { source, names };
}

/**
 * A file that exists but cannot be read fails the tick: acting without knowing which
 * servers are held could undo an operator's drain.
 */
export function loadHoldList(path: string): HoldList {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { source: path, names: new Set() };
    throw new HoldFileError(`${path}: cannot read the hold file: ${code ?? String(error)}`);
  }
  return parseHoldList(text, path);
}

/** Held names that are not inventory servers: reported, never an error (a typo must not stop scaling). */
export function holdWarnings(hold: HoldList, serverNames: readonly string[]): string[] {
  const known = new Set(serverNames);
  return [...hold.names]
    .filter((name) => !known.has(name))
    .sort()
    .map((name) => `${hold.source}: ${name} is not an inventory server, ignored`);
}
