/**
 * The patch state file a server writes, produced by the real commands on a fake
 * machine, for tests that serve it from a fake node_exporter.
 */
import { writeFileSync } from 'node:fs';
import { FakeMachine, SECURITY, UPDATES } from './fake-machine';

export interface PatchState {
  /** Packages with a newer version; the first `security` of them from a security archive. */
  readonly pending: number;
  readonly security: number;
  readonly rebootRequired: boolean;
  readonly lastRunSucceeded: boolean;
}

export function patchStateText(state: PatchState): string {
  const machine = new FakeMachine();
  try {
    const names = Array.from({ length: state.pending }, (_, index) => `package${index + 1}`);
    machine.packages(names.map((name) => `${name} 1.0`), []);
    if (!state.lastRunSucceeded) machine.write('update-error', 'Failed to fetch http://archive.ubuntu.com/ubuntu  Connection timed out');
    machine.run('update');
    machine.write('lists', names.map((name, index) => `${name} 1.1 ${index < state.security ? SECURITY : UPDATES}`));
    if (state.rebootRequired) writeFileSync(machine.rebootRequired, '');
    const result = machine.execute('patchState');
    if (result.status !== 0) throw new Error(`platform-patch-state failed: ${result.stderr}`);
    return machine.patchState();
  } finally {
    machine.remove();
  }
}
