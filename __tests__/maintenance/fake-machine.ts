/**
 * A server's package system in a temporary directory, driven by the stand-ins in
 * fakes/ (apt-get, dpkg, dpkg-query, needrestart, shutdown, bbb-conf, curl), and the
 * maintenance commands exactly as a server receives them, run for real (bash).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { MAINTENANCE_COMMANDS, MAINTENANCE_LIB, maintenance, PATCH_STATE_FILE, type MaintenanceOptions } from '../../constructs/maintenance';

export const FAKES = path.join(__dirname, 'fakes');

export type Verb = keyof typeof MAINTENANCE_COMMANDS;

export interface RunOutcome {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The one result line, parsed. */
  readonly result: Record<string, unknown>;
}

/** "Ubuntu:22.04/jammy-updates, Ubuntu:22.04/jammy-security [amd64]": the release string of a security fix. */
export const SECURITY = 'Ubuntu:22.04/jammy-updates, Ubuntu:22.04/jammy-security [amd64]';
export const UPDATES = 'Ubuntu:22.04/jammy-updates [amd64]';
export const BBB_REPOSITORY = 'bigbluebutton-jammy [amd64]';

export class FakeMachine {
  readonly root = mkdtempSync(path.join(tmpdir(), 'maintenance-'));
  readonly apt = path.join(this.root, 'apt');
  readonly commands = path.join(this.root, 'sbin');
  readonly stateDir = path.join(this.root, 'state');
  readonly textfileDir = path.join(this.root, 'textfile');
  readonly rebootRequired = path.join(this.root, 'run', 'reboot-required');
  readonly readyMarker = path.join(this.root, 'setup-done');
  readonly lockFile = path.join(this.root, 'run', 'platform-maintenance.lock');
  readonly needrestartConf = path.join(this.root, 'needrestart.conf.d');
  readonly outdatedServices = path.join(this.root, 'needrestart-outdated');
  readonly restarts = path.join(this.root, 'needrestart-restarts');
  readonly shutdowns = path.join(this.root, 'shutdowns');
  readonly web = path.join(this.root, 'web');
  readonly bbbConfFindings = path.join(this.root, 'bbb-conf-findings');
  readonly files: ReturnType<typeof maintenance>['files'];
  extraEnv: Record<string, string> = {};

  constructor(options: MaintenanceOptions = { readyMarker: 'READY', bbbApiUrl: 'https://bbb-01.bbb.example.org/bigbluebutton/api' }) {
    for (const dir of [this.apt, this.commands, this.stateDir, this.textfileDir, path.dirname(this.rebootRequired), this.needrestartConf, this.web]) {
      mkdirSync(dir, { recursive: true });
    }
    this.files = maintenance(options).files;
    for (const file of this.files.filter((candidate) => candidate.path.endsWith('.sh') || candidate.mode === '0755')) {
      writeFileSync(path.join(this.commands, path.basename(file.path)), file.content, { mode: 0o755 });
    }
    writeFileSync(path.join(this.root, 'needrestart.conf.d', '90-platform-list-only.conf'), this.file('/etc/needrestart/conf.d/90-platform-list-only.conf'));
    this.write('installed', '');
    this.write('repository', '');
    this.write('lists', '');
    writeFileSync(this.readyMarker, '');
  }

  /** The delivered content of a file by its path on the server. */
  file(serverPath: string): string {
    const found = this.files.find((candidate) => candidate.path === serverPath);
    if (!found) throw new Error(`no maintenance file ${serverPath}`);
    return found.content;
  }

  /** Writes one of the apt stand-in's state files (see fakes/apt-get). */
  write(name: string, lines: string | readonly string[]): this {
    const text = typeof lines === 'string' ? lines : lines.map((line) => `${line}\n`).join('');
    writeFileSync(path.join(this.apt, name), text);
    return this;
  }

  read(name: string): string {
    const file = path.join(this.apt, name);
    return existsSync(file) ? readFileSync(file, 'utf8') : '';
  }

  /** Installed packages, and what the mirrors offer (also in the lists apt last read). */
  packages(installed: readonly string[], offered: readonly string[]): this {
    return this.write('installed', installed).write('repository', offered).write('lists', offered);
  }

  installedVersion(name: string): string | undefined {
    return this.read('installed').split('\n').find((line) => line.startsWith(`${name} `))?.split(' ')[1];
  }

  calls(): string[] {
    return this.read('calls').split('\n').filter(Boolean);
  }

  patchState(): string {
    return readFileSync(path.join(this.textfileDir, PATCH_STATE_FILE), 'utf8');
  }

  /** The value of one series of the patch state file, or undefined when it is not written. */
  metric(name: string): number | undefined {
    const line = this.patchState().split('\n').find((candidate) => candidate.startsWith(`${name} `));
    return line === undefined ? undefined : Number(line.split(' ')[1]);
  }

  env(): Record<string, string> {
    return {
      PATH: `${FAKES}:${process.env.PATH}`,
      HOME: this.root,
      FAKE_APT: this.apt,
      FAKE_NEEDRESTART_CONF_DIR: this.needrestartConf,
      FAKE_NEEDRESTART_STATE: this.outdatedServices,
      FAKE_NEEDRESTART_RESTARTS: this.restarts,
      FAKE_SHUTDOWN_LOG: this.shutdowns,
      FAKE_CURL_DIR: this.web,
      FAKE_BBB_CONF_FINDINGS: this.bbbConfFindings,
      PLATFORM_MAINTENANCE_LIB: path.join(this.commands, path.basename(MAINTENANCE_LIB)),
      PLATFORM_STATE_DIR: this.stateDir,
      PLATFORM_LOCK_FILE: this.lockFile,
      PLATFORM_READY_MARKER: this.readyMarker,
      TEXTFILE_DIR: this.textfileDir,
      REBOOT_REQUIRED_FILE: this.rebootRequired,
      ...this.extraEnv,
    };
  }

  /** Runs a command as the server would, returning what it printed. */
  execute(verb: Verb, args: readonly string[] = []): { status: number | null; stdout: string; stderr: string } {
    const command = path.join(this.commands, path.basename(MAINTENANCE_COMMANDS[verb]));
    return spawnSync('bash', [command, ...args], { encoding: 'utf8', env: this.env(), timeout: 60_000 });
  }

  /** Runs a command that answers with one result line. */
  run(verb: Verb, args: readonly string[] = []): RunOutcome {
    const result = this.execute(verb, args);
    const lines = result.stdout.split('\n').filter(Boolean);
    if (lines.length !== 1) throw new Error(`${verb}: expected one result line, got:\n${result.stdout}\nstderr:\n${result.stderr}`);
    return { status: result.status, stdout: result.stdout, stderr: result.stderr, result: JSON.parse(lines[0]) as Record<string, unknown> };
  }

  /** Runs `body` while another process holds the platform's maintenance lock. */
  withLockHeld<T>(body: () => T): T {
    mkdirSync(path.dirname(this.lockFile), { recursive: true });
    const holder = spawnSync('bash', ['-c', `exec 9>>"$1"; flock 9; touch "$2"; sleep 30 >/dev/null 2>&1 & echo $! >"$3"`, 'hold', this.lockFile, `${this.root}/held`, `${this.root}/holder`]);
    if (holder.status !== 0) throw new Error(`could not hold the lock: ${holder.stderr}`);
    try {
      return body();
    } finally {
      process.kill(Number(readFileSync(`${this.root}/holder`, 'utf8')));
    }
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}
