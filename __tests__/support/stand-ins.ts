/**
 * Stand-ins for the commands a machine script calls (`ip`, `sudo`, `netplan`, ...):
 * small shell scripts in a directory the test puts first on PATH, so the script runs
 * for real while the machine it would change stays untouched.
 */
import { chmodSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

export function standIn(binDirectory: string, command: string, body: string): void {
  const file = path.join(binDirectory, command);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
}
