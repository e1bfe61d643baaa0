/**
 * What a VM reads at its first boot (cloud-config, SSH keys) changes with every
 * template edit or key rotation. Such a change must leave every running server alone:
 * each attribute that differs is one Terraform is told to ignore.
 */
import { exampleConfig, exampleWith, synthEnvironment, type StackJson } from '../../testing/synth';

const SECOND_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIF9oUajw3FhMVuslSBgM9z0YLEXchRhxiBCvpV6BYUyL second@example.org';

function servers(stacks: Record<string, StackJson>): Map<string, Record<string, any>> {
  return new Map(
    Object.values(stacks).flatMap((stack) => Object.entries<Record<string, any>>(stack.resource?.ionoscloud_server ?? {})),
  );
}

/** Argument paths, written as in ignore_changes, whose values differ between two server bodies. */
function changedArguments(before: Record<string, any>, after: Record<string, any>): string[] {
  const changed: string[] = [];
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (key === '//' || key === 'lifecycle') continue;
    if (key === 'volume') {
      for (const field of new Set([...Object.keys(before.volume), ...Object.keys(after.volume)])) {
        if (JSON.stringify(before.volume[field]) !== JSON.stringify(after.volume[field])) changed.push(`volume[0].${field}`);
      }
    } else if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) {
      changed.push(key);
    }
  }
  return changed;
}

describe('first-boot settings of running servers', () => {
  const config = exampleConfig();
  const before = servers(synthEnvironment(config).stacks);
  const after = servers(synthEnvironment(exampleWith({ sshKeys: [...config.sshKeys, SECOND_KEY] })).stacks);

  it('a new SSH key changes what new servers boot with', () => {
    const changes = [...before].map(([id, server]) => changedArguments(server, after.get(id)!));
    expect(changes.every((paths) => paths.includes('volume[0].ssh_keys') && paths.includes('volume[0].user_data'))).toBe(true);
    expect(before.size).toBeGreaterThan(20);
  });

  it.each([...before.keys()])('%s ignores every argument the new key changes', (id) => {
    const server = before.get(id)!;
    expect(changedArguments(server, after.get(id)!).filter((path) => !server.lifecycle?.ignore_changes?.includes(path))).toEqual([]);
  });
});
