/**
 * A fake of the BBB servers' platform agent behind the autoscaler's SSH key, with the real
 * agent's semantics (templates/bbb/platform-agent.sh, tested against sshd in
 * __tests__/bbb-pool/platform-agent.test.ts): `poweroff` makes the guest power itself off
 * (FakeIonos.guestPowerOff); `update` and `check` are jobs that outlive the request (the
 * first request starts one, later ones answer `running` naming the job that runs, then
 * its result line, as often as asked); `reboot-if-required` reboots the guest when an
 * update asked for it. Answers carry the boot they come from. Each server has a host key,
 * checked like the SSH client checks it, and may fail the ways a server fails: a failing
 * update or check, a reboot it does not come back from, a held lock (busy), a first-boot
 * setup that has not finished (not-ready), an agent from before the maintenance verbs,
 * or no channel at all. The transport's faults apply (an error before the request
 * arrives, a lost answer after it did, a shutdown that hangs).
 */
import { NoChannelError, UnknownVerbError, type AgentRequest, type AgentTarget, type HostKeyCheck, type PlatformAgent } from '../../../functions/autoscaler/clients/platform-agent';
import { NetworkError, TimeoutError } from '../../../functions/autoscaler/errors';
import type { AgentAnswer } from '../../../functions/autoscaler/policy';
import type { FakeIonos } from './ionos';
import { Faults } from './transport';

/** How a server's maintenance goes wrong. */
export interface ServerFaults {
  /** platform-update fails (a package does not install). */
  updateFails?: boolean;
  /** bbb-platform-check keeps finding a problem. */
  checkFails?: boolean;
  /** A reboot it never comes back from. */
  neverReturns?: boolean;
  /** Another maintenance command holds the lock: every job ends busy. */
  busy?: boolean;
  /** The first-boot setup has not finished: every job ends not-ready. */
  notReady?: boolean;
  /** An update asks for a reboot (a new kernel). */
  rebootRequired?: boolean;
}

interface Job {
  readonly job: string;
  readonly endsAt: number;
  readonly started: string;
  /** Decided when the job ends. */
  result?: AgentAnswer;
}

interface ServerState {
  rebootRequired: boolean;
  jobs: Partial<Record<'update' | 'check', Job>>;
}

/** Minutes an update and a check take. */
export const UPDATE_MINUTES = 3;
export const CHECK_MINUTES = 1;
/** World advances (minutes) a reboot takes. */
export const REBOOT_ADVANCES = 2;

export class FakePlatformAgent implements PlatformAgent {
  readonly faults = new Faults();
  readonly calls: Array<{ readonly host: string; readonly request: AgentRequest }> = [];
  /** Private addresses of servers set up before the channel existed. */
  readonly withoutChannel = new Set<string>();
  /** Private addresses of servers whose agent knows only `poweroff`. */
  readonly poweroffOnly = new Set<string>();
  /** Per private address: how its maintenance goes wrong. */
  readonly serverFaults = new Map<string, ServerFaults>();
  /** Per private address: the fingerprint of the host key it offers. */
  readonly hostKeys = new Map<string, string>();
  /** Chance that an accepted power-off never finishes (a hung shutdown). */
  hangRate = 0;
  private readonly state = new Map<string, ServerState>();

  constructor(
    private readonly ionos: FakeIonos,
    /** The IONOS server behind a private address. */
    private readonly serverAt: (host: string) => string | undefined,
    /** The World's clock. */
    private readonly now: () => Date,
    /** Draws the hung shutdowns; a test seeds it. */
    public random: () => number = Math.random,
    /** Whether the server's BigBlueButton answers (the check asks its API). */
    private readonly bbbUp: (serverId: string) => boolean = () => true,
    /** Checks host keys as the SSH client does; none: every key is taken. */
    public hostKeyCheck?: HostKeyCheck,
  ) {}

  /** The same agent with another host key check (the session's pins). */
  withHostKeyCheck(check: HostKeyCheck): PlatformAgent {
    return { send: (target, request) => this.sendChecked(target, request, check) };
  }

  send(target: AgentTarget, request: AgentRequest): Promise<AgentAnswer> {
    return this.sendChecked(target, request, this.hostKeyCheck);
  }

  /** The boot the server is in, as /proc/sys/kernel/random/boot_id names it. */
  bootId(serverId: string): string {
    const bootedAt = this.ionos.servers.get(serverId)?.bootedAt?.getTime() ?? 0;
    return `${bootedAt.toString(16)}-0b00-4000-8000-000000000000`;
  }

  private async sendChecked(target: AgentTarget, request: AgentRequest, check: HostKeyCheck | undefined): Promise<AgentAnswer> {
    const { host } = target;
    const path = `${host} ${request.verb}`;
    await Promise.resolve();
    const fault = this.faults.draw();
    if (fault?.kind === 'hang') throw new TimeoutError('ssh', path, 15_000);
    if (fault?.kind === 'status' || fault?.kind === 'reset') throw new NetworkError('ssh', path, 'connect ECONNREFUSED');
    const serverId = this.serverAt(host);
    if (!serverId || !this.ionos.guestUp(serverId)) throw new NetworkError('ssh', path, 'connect ECONNREFUSED');
    await check?.(target, this.hostKeys.get(host) ?? `SHA256:host-key-of-${host}`);
    if (this.withoutChannel.has(host)) throw new NoChannelError(host);
    if (request.verb !== 'poweroff' && this.poweroffOnly.has(host)) throw new UnknownVerbError(host, `unknown verb '${request.verb}'; this agent knows: poweroff`);
    this.calls.push({ host, request });
    const answer = this.answer(host, serverId, request);
    if (fault?.kind === 'lost') throw new NetworkError('ssh', path, 'the connection closed before the agent answered');
    return answer;
  }

  private answer(host: string, serverId: string, request: AgentRequest): AgentAnswer {
    const faults = this.serverFaults.get(host) ?? {};
    const state = this.stateOf(serverId);
    const bootId = this.bootId(serverId);
    switch (request.verb) {
      case 'poweroff':
        this.ionos.guestPowerOff(serverId, this.random() < this.hangRate);
        return { verb: 'poweroff', result: 'ok' };
      case 'reboot-if-required':
        if (faults.busy) return { verb: request.verb, result: 'busy', message: 'another maintenance command is running', bootId };
        if (!state.rebootRequired) return { verb: request.verb, result: 'ok', rebooting: false, bootId };
        state.rebootRequired = false;
        state.jobs = {};
        this.ionos.guestReboot(serverId, faults.neverReturns ? Infinity : REBOOT_ADVANCES);
        return { verb: request.verb, result: 'ok', rebooting: true, bootId };
      case 'update':
      case 'check':
        return this.job(request.verb, request.job, serverId, state, faults, bootId);
    }
  }

  private stateOf(serverId: string): ServerState {
    let state = this.state.get(serverId);
    if (!state) {
      state = { rebootRequired: false, jobs: {} };
      this.state.set(serverId, state);
    }
    // A server that booted again has lost its running jobs (their units), not their results.
    for (const job of Object.values(state.jobs)) if (job && job.started !== this.bootId(serverId) && job.result === undefined) state.jobs = {};
    return state;
  }

  private job(verb: 'update' | 'check', job: string, serverId: string, state: ServerState, faults: ServerFaults, bootId: string): AgentAnswer {
    const now = this.now().getTime();
    const current = state.jobs[verb];
    if (current && current.result === undefined && now >= current.endsAt) current.result = this.result(verb, serverId, state, faults);
    if (current?.job === job && current.result) return current.result;
    if (current && current.result === undefined) return { verb, result: 'running', job: current.job, bootId };
    const minutes = verb === 'update' ? UPDATE_MINUTES : CHECK_MINUTES;
    state.jobs[verb] = { job, endsAt: now + minutes * 60_000, started: bootId };
    return { verb, result: 'started', job, bootId };
  }

  private result(verb: 'update' | 'check', serverId: string, state: ServerState, faults: ServerFaults): AgentAnswer {
    const bootId = this.bootId(serverId);
    const job = state.jobs[verb]?.job;
    if (faults.busy) return { verb, result: 'busy', message: 'another maintenance command is running', job, bootId };
    if (faults.notReady) return { verb, result: 'not-ready', message: 'the first-boot setup has not finished', job, bootId };
    if (verb === 'update') {
      if (faults.updateFails) return { verb, result: 'failed', message: "E: Sub-process /usr/bin/dpkg returned an error code (1)", job, bootId };
      state.rebootRequired = faults.rebootRequired ?? true;
      return { verb, result: 'ok', security: 2, bbbVersion: '1:3.0.14-1', rebootRequired: state.rebootRequired, job, bootId };
    }
    if (faults.checkFails) return { verb, result: 'failed', message: 'bbb-conf --check: FreeSWITCH is not running', job, bootId };
    if (!this.bbbUp(serverId)) return { verb, result: 'failed', message: 'the BigBlueButton API does not answer SUCCESS', job, bootId };
    return { verb, result: 'ok', job, bootId };
  }
}

