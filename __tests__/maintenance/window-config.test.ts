/**
 * `maintenance.window`: optional, with defaults outside school hours, and every
 * mistake an operator can make named with its key.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { bbbMaintenance, maintenanceWindow, parseEnvironment } from '../../config';

const exampleText = readFileSync(path.resolve(__dirname, '../../environments/example.yaml'), 'utf8');

function withMaintenance(maintenance: unknown, edit: (doc: Record<string, any>) => void = () => undefined): string {
  const doc = yaml.load(exampleText) as Record<string, any>;
  doc.maintenance = maintenance;
  edit(doc);
  return yaml.dump(doc);
}

/** The one problem of test.yaml, at the line and column of the key it names. */
function onlyProblem(message: string): RegExp {
  const escaped = message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^test\\.yaml: 1 problem\\n  line \\d+, column \\d+: ${escaped}$`);
}

describe('maintenance.window', () => {
  it('defaults to 01:00-05:00 every night in the schedule\u2019s timezone', () => {
    expect(maintenanceWindow(parseEnvironment(exampleText))).toEqual({ from: '01:00', to: '05:00', timezone: 'Europe/Berlin', minutes: 240 });
  });

  it('takes a window that crosses midnight, in its own timezone', () => {
    const config = parseEnvironment(withMaintenance({ window: { from: '22:30', to: '02:00', timezone: 'Europe/Vienna' } }));
    expect(maintenanceWindow(config)).toEqual({ from: '22:30', to: '02:00', timezone: 'Europe/Vienna', minutes: 210 });
  });

  it('fills in what is left out', () => {
    const config = parseEnvironment(withMaintenance({ window: { to: '04:00' } }));
    expect(maintenanceWindow(config)).toEqual({ from: '01:00', to: '04:00', timezone: 'Europe/Berlin', minutes: 180 });
  });

  it.each([
    ['a time that is not HH:MM', { window: { from: '1:00' } }, 'maintenance.window.from: must be a time HH:MM (00:00-23:59), got "1:00"'],
    ['an hour out of range', { window: { to: '25:00' } }, 'maintenance.window.to: must be a time HH:MM (00:00-23:59), got "25:00"'],
    ['an unknown timezone', { window: { timezone: 'Europe/Atlantis' } }, 'maintenance.window.timezone: must be an IANA time zone such as Europe/Berlin, got "Europe/Atlantis"'],
    ['an unknown key', { window: { days: ['sat'] } }, 'maintenance.window.days: unknown key; the keys here are from, to, timezone'],
    ['a window that is not a mapping', { window: '01:00-05:00' }, 'maintenance.window: must be a mapping, got "01:00-05:00"'],
    ['a window shorter than an hour', { window: { from: '02:00', to: '02:45' } }, 'maintenance.window.to: the window must last at least 60 minutes, got 45 (02:00-02:45)'],
    ['a window that is no time at all', { window: { from: '03:00', to: '03:00' } }, 'maintenance.window.to: the window must last at least 60 minutes, got 0 (03:00-03:00)'],
    [
      'a window in school hours',
      { window: { from: '12:00', to: '15:00' } },
      'maintenance.window: 12:00-15:00 overlaps the school hours of autoscaler.schedule.rules[0] (mon 07:15-13:30); choose a window outside them',
    ],
  ])('rejects %s', (_, maintenance, message) => {
    expect(() => parseEnvironment(withMaintenance(maintenance), 'test.yaml')).toThrow(onlyProblem(message));
  });

  it('sees a window that crosses midnight run into early lessons of the next day', () => {
    const earlyClass = (doc: Record<string, any>) => doc.autoscaler.schedule.rules.push({ days: ['sat'], from: '00:30', to: '02:00', minRunning: 2 });
    expect(() => parseEnvironment(withMaintenance({ window: { from: '23:00', to: '01:00' } }, earlyClass), 'test.yaml')).toThrow(
      onlyProblem('maintenance.window: 23:00-01:00 overlaps the school hours of autoscaler.schedule.rules[1] (sat 00:30-02:00); choose a window outside them'),
    );
    expect(() => parseEnvironment(withMaintenance({ window: { from: '22:00', to: '00:30' } }, earlyClass))).not.toThrow();
  });

  it('leaves the overlap to the operator when the window has a timezone of its own', () => {
    expect(() => parseEnvironment(withMaintenance({ window: { from: '12:00', to: '15:00', timezone: 'America/New_York' } }))).not.toThrow();
  });
});

describe('maintenance.bbb', () => {
  it('runs the cycle every night, four servers at a time, half an hour each, unless told otherwise', () => {
    expect(bbbMaintenance(parseEnvironment(exampleText))).toEqual({ enabled: true, everyDays: 1, maxParallel: 4, serverMinutes: 30 });
    const config = parseEnvironment(withMaintenance({ bbb: { everyDays: 7, maxParallel: 10 } }));
    expect(bbbMaintenance(config)).toEqual({ enabled: true, everyDays: 7, maxParallel: 10, serverMinutes: 30 });
    expect(bbbMaintenance(parseEnvironment(withMaintenance({ bbb: { enabled: false } })))).toMatchObject({ enabled: false });
  });

  it.each([
    ['a cycle every eight days', { bbb: { everyDays: 8 } }, 'maintenance.bbb.everyDays: must be <= 7, got 8'],
    ['no server at a time', { bbb: { maxParallel: 0 } }, 'maintenance.bbb.maxParallel: must be >= 1, got 0'],
    ['an unknown key', { bbb: { parallel: 2 } }, 'maintenance.bbb.parallel: unknown key; did you mean maxParallel?'],
    [
      'a server that takes longer than the window',
      { window: { from: '01:00', to: '02:00' }, bbb: { serverMinutes: 60 } },
      'maintenance.bbb.serverMinutes: must be shorter than the window (60 minutes, 01:00-02:00), got 60: no server could be begun in it',
    ],
  ])('rejects %s', (_, maintenance, message) => {
    expect(() => parseEnvironment(withMaintenance(maintenance), 'test.yaml')).toThrow(onlyProblem(message));
  });
});
