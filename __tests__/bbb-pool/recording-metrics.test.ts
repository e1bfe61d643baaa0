/**
 * The recording count a BBB server writes for node_exporter, run for real (bash)
 * against a fake BigBlueButton recording tree laid out as the record-and-playback
 * workers leave it at each step.
 */
import { readdirSync, statSync } from 'node:fs';
import * as yaml from 'js-yaml';
import { RECORDING_METRICS_SCRIPT, SCALELITE_WORK_DIR, TEXTFILE_DIR } from '../../constructs/bbb-pool/bbb-services';
import { readTemplate } from '../../constructs/templates';
import { BBB_RECORDING_COUNT_METRICS } from '../../monitoring/metrics';
import { describeWithTool, run } from '../support/tools';
import { shellcheck } from '../support/validators';
import { RecordingTree, bbbDocument, deliveredFile, meetingId, upTo } from './recording-tree';
import { parseUnit, verifyUnits } from './systemd-units';

const script = deliveredFile(RECORDING_METRICS_SCRIPT);

const prom = (pending: number, failed: number) =>
  [
    '# HELP bbb_platform_recordings_pending Recordings on this server not yet archived, processed, published and copied to Scalelite.',
    '# TYPE bbb_platform_recordings_pending gauge',
    `bbb_platform_recordings_pending ${pending}`,
    '# HELP bbb_platform_recordings_failed Recordings on this server whose archiving, check, processing or publishing failed.',
    '# TYPE bbb_platform_recordings_failed gauge',
    `bbb_platform_recordings_failed ${failed}`,
    '',
  ].join('\n');

describe('recording count', () => {
  let tree: RecordingTree;
  beforeEach(() => (tree = new RecordingTree()));
  afterEach(() => tree.remove());

  const counted = () => {
    const result = tree.count(script.content);
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
    return tree.written();
  };

  it('is 0 on a server that has not recorded anything yet (or has no BigBlueButton yet)', () => {
    expect(counted()).toBe(prom(0, 0));
  });

  it('writes the series the monitoring and the autoscaler read', () => {
    const names = counted().split('\n').filter((line) => line && !line.startsWith('#')).map((line) => line.split(' ')[0]);
    expect(names).toEqual([...BBB_RECORDING_COUNT_METRICS]);
  });

  it('counts a recording from the end of its meeting until it is published', () => {
    tree.add(`status/recorded/${meetingId(1)}.done`);
    tree.add(...upTo('raw', meetingId(2)));
    tree.add(...upTo('archived', meetingId(3)));
    tree.add(...upTo('sanity', meetingId(4)));
    tree.add(...upTo('processed', meetingId(5)));
    expect(counted()).toBe(prom(5, 0));
  });

  it('leaves out published recordings, whose status files and raw data stay on disk', () => {
    tree.add(...upTo('published', meetingId(1)), ...upTo('published', meetingId(2)), `process/presentation/${meetingId(2)}/`);
    expect(counted()).toBe(prom(0, 0));
  });

  it('keeps a recording pending until every format it was processed in is published', () => {
    tree.add(...upTo('processed', meetingId(1), ['presentation', 'video']), `status/published/${meetingId(1)}-presentation.done`);
    expect(counted()).toBe(prom(1, 0));
  });

  it('keeps a published recording pending while Scalelite\u2019s post-publish script copies it away', () => {
    tree.add(...upTo('published', meetingId(1)), ...upTo('published', meetingId(2))).transferring(`${meetingId(1)}.tar`);
    expect(counted()).toBe(prom(1, 0));
  });

  it('ignores meetings in which nothing was recorded', () => {
    tree.add(`raw/${meetingId(1)}/`, `status/archived/${meetingId(1)}.norecord`);
    expect(counted()).toBe(prom(0, 0));
  });

  it.each([
    ['archiving', [`raw/${meetingId(1)}/`, `status/archived/${meetingId(1)}.fail`]],
    ['sanity check', [...upTo('archived', meetingId(1)), `status/sanity/${meetingId(1)}.fail`]],
    ['processing', [...upTo('sanity', meetingId(1)), `status/processed/${meetingId(1)}-presentation.fail`]],
    ['publishing', [...upTo('processed', meetingId(1)), `status/published/${meetingId(1)}-presentation.fail`]],
  ])('a recording whose %s failed counts as failed, not pending', (_, files) => {
    tree.add(...files, ...upTo('sanity', meetingId(2)));
    expect(counted()).toBe(prom(1, 1));
  });

  it('replaces the file by renaming a complete one, readable by node_exporter (nobody), leaving no temporary file', () => {
    tree.add(...upTo('sanity', meetingId(1)));
    counted();
    const before = statSync(tree.output).ino;
    tree.add(...upTo('published', meetingId(1)));
    expect(counted()).toBe(prom(0, 0));
    expect(statSync(tree.output).ino).not.toBe(before);
    expect(statSync(tree.output).mode & 0o777).toBe(0o644);
    expect(readdirSync(tree.textfileDir)).toEqual(['bbb-recordings.prom']);
  });
});

describeWithTool('promtool', 'recording count file', () => {
  it('is valid Prometheus text exposition', () => {
    const tree = new RecordingTree().add(...upTo('sanity', meetingId(1)));
    try {
      expect(tree.count(script.content).status).toBe(0);
      const result = run('promtool', ['check', 'metrics'], { input: tree.written() });
      expect({ status: result.status, output: result.stdout + result.stderr }).toEqual({ status: 0, output: '' });
    } finally {
      tree.remove();
    }
  });
});

describeWithTool('shellcheck', 'recording count script', () => {
  it('is shellcheck-clean as delivered', () => {
    const result = shellcheck(script.content);
    expect(result.stdout).toBe('');
    expect(result.status).toBe(0);
  });
});

describe('recording count on the server', () => {
  const service = parseUnit(deliveredFile('/etc/systemd/system/bbb-recording-metrics.service').content);
  const timer = parseUnit(deliveredFile('/etc/systemd/system/bbb-recording-metrics.timer').content);
  const compose = yaml.load(deliveredFile('/etc/bbb-platform/exporters.compose.yml').content) as Record<string, any>;
  const defaultOf = (name: string) => new RegExp(`^readonly ${name}="\\$\\{${name}:-(.+)\\}"$`, 'm').exec(script.content)?.[1];

  it('runs every minute from cloud-init on, on every boot', () => {
    expect(timer.Timer.OnCalendar).toEqual(['minutely']);
    expect(timer.Install.WantedBy).toEqual(['timers.target']);
    expect(bbbDocument.runcmd).toContainEqual(['systemctl', 'enable', '--now', 'bbb-recording-metrics.timer']);
    expect(service.Service).toMatchObject({ Type: ['oneshot'], ExecStart: [RECORDING_METRICS_SCRIPT] });
    expect(script.permissions).toBe('0755');
  });

  it('writes where node_exporter reads text files', () => {
    expect(defaultOf('TEXTFILE_DIR')).toBe(TEXTFILE_DIR);
    const nodeExporter = compose.services['node-exporter'];
    expect(nodeExporter.command).toContain('--collector.textfile.directory=/textfile');
    expect(nodeExporter.volumes).toContain(`${TEXTFILE_DIR}:/textfile:ro`);
  });

  it('looks for transfers in the work directory Scalelite\u2019s post-publish script uses', () => {
    const transfer = yaml.load(readTemplate('bbb/scalelite.yml')) as { work_dir: string };
    expect(defaultOf('TRANSFER_DIR')).toBe(SCALELITE_WORK_DIR);
    expect(transfer.work_dir).toBe(SCALELITE_WORK_DIR);
    expect(defaultOf('RECORDING_DIR')).toBe('/var/bigbluebutton/recording');
  });
});

describeWithTool('systemd-analyze', 'recording count units', () => {
  it('pass systemd-analyze verify', () => {
    const units = ['bbb-recording-metrics.service', 'bbb-recording-metrics.timer'];
    expect(verifyUnits(Object.fromEntries(units.map((name) => [name, deliveredFile(`/etc/systemd/system/${name}`).content])))).toEqual([]);
  });
});
