/**
 * Properties of the example platform, each checked on one synth of it: node_exporter
 * wherever Prometheus scrapes it; servers that leave their first-boot settings alone
 * when a template or an SSH key changes; and the synth benchmark's floor, which must
 * write the same documents.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Testing } from 'cdktf';
import { SERVER_ROLES } from '../../conventions/naming';
import { DEFAULT_EXPORTER_PORTS } from '../../monitoring/prometheus/config';
import { readDocuments, replayDocuments, type StackDocument } from '../../scripts/bench/replay-output';
import { exampleConfig, exampleWith, synthEnvironment, type StackJson } from '../../testing/synth';
import { userDataOf } from '../../testing/user-data';

const config = exampleConfig();
const { stacks } = synthEnvironment(config);

/** Server names of every role Prometheus's node job scrapes. */
const scraped = new RegExp(`^example-(${SERVER_ROLES.join('|')})-\\d+$`);

interface Delivered {
  readonly name: string;
  readonly role: string;
  /** Its first boot's cloud-config and every file pushed to it later. */
  readonly text: string;
}

function pushedTo(stack: StackJson, serverKey: string): string[] {
  const pushes = Object.values<Record<string, any>>(stack.resource?.null_resource ?? {});
  return pushes
    .filter((push) => push.triggers?.server === `\${ionoscloud_server.${serverKey}.id}`)
    .flatMap((push) => (push.provisioner ?? []).map((provisioner: Record<string, any>) => provisioner.file?.content ?? ''));
}

const delivered: Delivered[] = Object.values(stacks).flatMap((stack) =>
  Object.entries<Record<string, any>>(stack.resource?.ionoscloud_server ?? {})
    .filter(([, server]) => scraped.test(server.name))
    .map(([key, server]) => ({
      name: server.name,
      role: scraped.exec(server.name)![1],
      text: [userDataOf(server), ...pushedTo(stack, key)].join('\n'),
    })),
);

describe('node_exporter on every server Prometheus scrapes for it', () => {
  it('finds servers of every role in the example', () => {
    expect([...new Set(delivered.map((server) => server.role))].sort()).toEqual([...SERVER_ROLES].sort());
  });

  it.each(delivered.map((server) => [server.name, server]))('%s runs node_exporter on the scraped port', (_name, server) => {
    expect(server.text).toMatch(/image: (quay\.io\/prometheus|prom)\/node-exporter:v[\d.]+/);
    expect(server.text).toMatch(new RegExp(`--web\\.listen-address=[\\d.]*:${DEFAULT_EXPORTER_PORTS.node}\\b`));
  });
});

const SECOND_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIF9oUajw3FhMVuslSBgM9z0YLEXchRhxiBCvpV6BYUyL second@example.org';

function servers(synthesized: Record<string, StackJson>): Map<string, Record<string, any>> {
  return new Map(
    Object.values(synthesized).flatMap((stack) => Object.entries<Record<string, any>>(stack.resource?.ionoscloud_server ?? {})),
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
  const before = servers(stacks);
  const after = servers(synthEnvironment(exampleWith({ sshKeys: [...config.sshKeys, SECOND_KEY] })).stacks);

  it('a new SSH key changes what new servers boot with', () => {
    const changes = [...before].map(([id, server]) => changedArguments(server, after.get(id)!));
    expect(changes.every((paths) => paths.includes('ssh_keys') && paths.includes('volume[0].user_data'))).toBe(true);
    expect(before.size).toBeGreaterThan(20);
  });

  it.each([...before.keys()])('%s ignores every argument the new key changes', (id) => {
    const server = before.get(id)!;
    expect(changedArguments(server, after.get(id)!).filter((path) => !server.lifecycle?.ignore_changes?.includes(path))).toEqual([]);
  });
});

type Sections = Pick<StackDocument, 'resource' | 'data' | 'locals'>;

/** The sections the floor declares again, without cdktf's per-element metadata. */
function sections(document: StackDocument): Sections {
  const withoutMetadata = (elements: StackDocument['resource']) =>
    elements &&
    Object.fromEntries(
      Object.entries(elements).map(([type, byId]) => [
        type,
        Object.fromEntries(Object.entries(byId).map(([id, body]) => [id, Object.fromEntries(Object.entries(body).filter(([key]) => key !== '//'))])),
      ]),
    );
  return { resource: withoutMetadata(document.resource), data: withoutMetadata(document.data), locals: document.locals };
}

describe('synth benchmark floor (cdktf writing the example\'s documents)', () => {
  it('writes the same resources, data sources and locals as the example', () => {
    const original = stacks as Record<string, StackDocument>;
    const outdir = mkdtempSync(path.join(tmpdir(), 'replay-'));
    try {
      const app = Testing.app({ outdir });
      replayDocuments(app, original);
      app.synth();
      const replayed = readDocuments(outdir);
      expect(Object.keys(replayed).sort()).toEqual(Object.keys(original).sort());
      for (const name of Object.keys(original)) {
        expect(sections(replayed[name])).toEqual(sections(original[name]));
      }
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});
