/**
 * The BBB servers' platform agent as the simulation needs it for the maintenance cycle:
 * `update` and `check` are jobs that take their minutes (the first request starts one,
 * later ones find it running, then its result), every update asks for a reboot (the
 * worst case: a new kernel each night), and `reboot-if-required` reboots the guest, which
 * answers again a few minutes later from a new boot. A server answers once its BBB does.
 * The real agent is templates/bbb/platform-agent.sh; the fault suite's fake fails the ways
 * servers fail, which a capacity simulation does not need.
 */
import type { AgentAnswer, MaintenanceStep } from '../functions/autoscaler/policy';
import type { StepOutcome } from '../functions/autoscaler/policy/maintenance/steps';
import type { Cluster, SimServer } from './cluster';

/** Of a server's maintenance minutes: its reboot, and the check after it; the update takes the rest. */
export const REBOOT_MINUTES = 2;
export const CHECK_MINUTES = 1;

interface Job {
  readonly job: string;
  readonly endsAt: number;
}

export class SimAgent {
  private readonly jobs = new Map<string, Job>();

  constructor(private readonly cluster: Cluster) {}

  private get updateMinutes(): number {
    return Math.max(1, this.cluster.options.maintenanceMinutes - REBOOT_MINUTES - CHECK_MINUTES);
  }

  answer(server: SimServer, step: MaintenanceStep, job: string | undefined, minute: number): StepOutcome {
    if (!server.answering(minute)) return { kind: 'unreachable', error: 'connect ECONNREFUSED' };
    const bootId = `boot-${server.bootedAt}`;
    if (step === 'reboot') {
      this.cluster.reboot(server, minute, REBOOT_MINUTES);
      return { kind: 'answer', answer: { verb: 'reboot-if-required', result: 'ok', rebooting: true, bootId } };
    }
    const verb = step;
    const key = `${server.name} ${verb}`;
    const current = this.jobs.get(key);
    const answer = (result: string, extra: Partial<AgentAnswer> = {}): StepOutcome => ({ kind: 'answer', answer: { verb, result, bootId, ...extra } });
    if (current && minute < current.endsAt) return answer('running', { job: current.job });
    if (current && current.job === job) {
      return verb === 'update' ? answer('ok', { job, security: 1, rebootRequired: true }) : answer('ok', { job });
    }
    const id = job ?? String(minute);
    this.jobs.set(key, { job: id, endsAt: minute + (verb === 'update' ? this.updateMinutes : CHECK_MINUTES) });
    return answer('started', { job: id });
  }
}
