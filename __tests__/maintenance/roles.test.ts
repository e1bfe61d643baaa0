/**
 * Which VM gets what, in one synthesized environment with a window of its own and
 * two TURN servers: every role switches Ubuntu's automatic runs off, reports its
 * patch state through node_exporter, and (all but BBB servers) takes its turn in
 * the window.
 */
import * as yaml from 'js-yaml';
import { TEXTFILE_DIR } from '../../constructs/bbb-pool/bbb-services';
import { APT_PERIODIC_CONF, MAINTENANCE_COMMANDS, PATCH_STATE_TIMER, WINDOW_TIMER } from '../../constructs/maintenance/maintenance-files';
import { APPLY_COMMANDS } from '../../constructs/scalelite';
import { exampleWith, synthEnvironment } from '../../testing/synth';
import { decodeUserData, standInValues, userDataOf } from '../../testing/user-data';
import { parseUnit } from '../bbb-pool/systemd-units';

type Json = Record<string, any>;
interface CloudConfig {
  write_files: { path: string; content: string; permissions: string }[];
  runcmd: string[][];
}

const config = exampleWith({ maintenance: { window: { from: '22:30', to: '02:30' } }, turn: { servers: 2 } });
const { stacks, platform } = synthEnvironment(config);

function serverNamed(name: string): Json {
  for (const stack of Object.values(stacks)) {
    const found = Object.values((stack.resource?.ionoscloud_server ?? {}) as Record<string, Json>).find((server) => server.name === name);
    if (found) return found;
  }
  throw new Error(`no server ${name}`);
}

function cloudConfigOf(name: string): CloudConfig {
  return yaml.load(decodeUserData(userDataOf(serverNamed(name)), standInValues).replace(/^#cloud-config\n/, '')) as CloudConfig;
}

const timerOf = (files: readonly { path: string; content: string }[]) =>
  parseUnit(files.find((file) => file.path === `/etc/systemd/system/${WINDOW_TIMER}`)?.content ?? '');

describe('maintenance on each role', () => {
  it('BBB servers: Ubuntu\u2019s runs off, the commands with the check of their own API, no turn in the window', () => {
    const bbb = cloudConfigOf('example-bbb-07');
    const paths = bbb.write_files.map((file) => file.path);
    expect(paths).toEqual(expect.arrayContaining([APT_PERIODIC_CONF, MAINTENANCE_COMMANDS.update, MAINTENANCE_COMMANDS.rebootIfRequired, MAINTENANCE_COMMANDS.check]));
    expect(paths).not.toContain(MAINTENANCE_COMMANDS.window);
    expect(bbb.write_files.find((file) => file.path === MAINTENANCE_COMMANDS.check)?.content).toContain(
      'readonly API_URL="${BBB_API_URL:-https://bbb-07.bbb.example.org/bigbluebutton/api}"',
    );
    expect(bbb.runcmd).toContainEqual(['systemctl', 'enable', '--now', PATCH_STATE_TIMER]);
  });

  it('TURN servers: one slot of the window after the other, in the schedule\u2019s timezone', () => {
    const starts = ['example-turn-01', 'example-turn-02'].map((name) => timerOf(cloudConfigOf(name).write_files).Timer.OnCalendar);
    expect(starts).toEqual([['*-*-* 22:30:00 Europe/Berlin'], ['*-*-* 00:30:00 Europe/Berlin']]);
    const turn = cloudConfigOf('example-turn-01');
    expect(turn.runcmd).toContainEqual(['systemctl', 'enable', '--now', PATCH_STATE_TIMER, WINDOW_TIMER]);
    const compose = yaml.load(turn.write_files.find((file) => file.path === '/etc/coturn/compose.yml')?.content ?? '') as Json;
    expect(compose.services['node-exporter'].volumes).toContain(`${TEXTFILE_DIR}:/textfile:ro`);
  });

  it('Scalelite nodes: the whole window, taking turns by lock behind every node\u2019s health check, also by push', () => {
    const files = platform.frontend.scalelite.nodeFiles[0];
    expect(timerOf(files).Timer.OnCalendar).toEqual(['*-*-* 22:30:00 Europe/Berlin']);
    const window = files.find((file) => file.path === MAINTENANCE_COMMANDS.window)?.content ?? '';
    expect(window).toContain("readonly TIER_HEALTH_URLS='http://10.20.1.1:80/health_check http://10.20.1.2:80/health_check'");
    expect(window).toContain("readonly TIER_LOCK_KEY='736415291'");
    expect(APPLY_COMMANDS).toContain(`systemctl enable --now ${PATCH_STATE_TIMER} ${WINDOW_TIMER}`);
    expect(APPLY_COMMANDS.at(-1)).toBe('/usr/local/sbin/scalelite-wait-healthy');
    const compose = yaml.load(files.find((file) => file.path === '/opt/scalelite/docker-compose.yml')?.content ?? '') as Json;
    expect(compose.services['node-exporter'].command).toContain('--collector.textfile.directory=/textfile');
  });

  it('the monitoring VM: the whole window, delivered and enabled by the configuration push', () => {
    const push = Object.values((stacks['example-monitoring'].resource.null_resource ?? {}) as Record<string, Json>).find((resource) =>
      JSON.stringify(resource).includes(`/etc/systemd/system/${WINDOW_TIMER}`),
    );
    const commands = ((push?.provisioner ?? []) as Json[]).flatMap((provisioner) => (provisioner['remote-exec']?.inline ?? []) as string[]);
    expect(commands).toContain(`sudo sh -c 'systemctl enable --now ${PATCH_STATE_TIMER} ${WINDOW_TIMER}'`);
    expect(JSON.stringify(push)).toContain('*-*-* 22:30:00 Europe/Berlin');
  });
});
