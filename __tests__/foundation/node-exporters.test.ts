import { SERVER_ROLES } from '../../constructs/naming';
import { DEFAULT_EXPORTER_PORTS } from '../../monitoring/prometheus/config';
import { exampleConfig, synthEnvironment, type StackJson } from '../../testing/synth';
import { userDataOf } from '../../testing/user-data';

const { stacks } = synthEnvironment(exampleConfig());
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
