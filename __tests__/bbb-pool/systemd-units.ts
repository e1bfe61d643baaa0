/**
 * systemd unit files as the tests read them: sections of keys, each key with every
 * value it was given (ExecStart= may repeat), and `systemd-analyze verify` over a set
 * of units. verify also reports what only the target machine has (the installed
 * scripts, docker.service); those lines are left out, everything else is returned.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { run } from '../support/tools';

export type Unit = Record<string, Record<string, string[]>>;

export function parseUnit(text: string): Unit {
  const unit: Unit = {};
  let section: Record<string, string[]> | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = unit[header[1]] ??= {};
      continue;
    }
    const separator = line.indexOf('=');
    if (!section || separator < 0) throw new Error(`not a unit file line: ${raw}`);
    const key = line.slice(0, separator).trim();
    (section[key] ??= []).push(line.slice(separator + 1).trim());
  }
  return unit;
}

const ONLY_ON_THE_MACHINE = [/: Command \/\S+ is not executable: No such file or directory$/, /: Failed to create \S+: Unit \S+ not found\.$/];

/** Complaints of `systemd-analyze verify` about the given units (file name -> content). */
export function verifyUnits(units: Record<string, string>): string[] {
  const dir = mkdtempSync(path.join(tmpdir(), 'units-'));
  try {
    for (const [name, content] of Object.entries(units)) writeFileSync(path.join(dir, name), content);
    const result = run('systemd-analyze', ['verify', ...Object.keys(units).map((name) => path.join(dir, name))]);
    return `${result.stdout}${result.stderr}`
      .split('\n')
      .filter((line) => line.trim() !== '' && !ONLY_ON_THE_MACHINE.some((pattern) => pattern.test(line)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
