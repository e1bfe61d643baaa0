/**
 * The platform agent on a BBB server: the channel the autoscaler powers the server's
 * operating system off through before IONOS stops the VM, and patches it through in the
 * maintenance cycle (update, reboot if required, check). An ED25519 key pair generated
 * by Terraform (it lives in the state, never in cdktf.out or the repository): the public
 * half goes into the server's first-boot settings, tied to the agent's one command, the
 * private half to the autoscaler on the monitoring VM. Servers read these settings at their
 * first boot only, so a server created before the agent existed has no channel; the
 * autoscaler then stops it the old way (docs/autoscaler.md).
 */
import { Fn } from 'cdktf';
import type { Construct } from 'constructs';
import { PrivateKey } from '@cdktf/provider-tls/lib/private-key';
import { AGENT_PATH, AGENT_USER } from '../../functions/autoscaler/agent';
import type { CloudConfig, WriteFile } from '../cloud-init';
import { MAINTENANCE_COMMANDS } from '../maintenance';
import { renderTemplate } from '../templates';

const AUTHORIZED_KEYS = '/etc/bbb-platform/agent/authorized_keys';

/** Where the agent's pieces live on a server; a test places them elsewhere. */
export interface AgentPaths {
  readonly agentUser: string;
  readonly agentPath: string;
  /** Runs one job (templates/bbb/platform-agent-job.sh). */
  readonly jobRunner: string;
  /** Where jobs keep their results (root only). */
  readonly jobsDir: string;
  /** The kernel's id of the current boot. */
  readonly bootIdFile: string;
  readonly updateCommand: string;
  readonly checkCommand: string;
  readonly rebootCommand: string;
}

export const AGENT_PATHS: AgentPaths = {
  agentUser: AGENT_USER,
  agentPath: AGENT_PATH,
  jobRunner: '/usr/local/lib/platform-maintenance/agent-job',
  jobsDir: '/var/lib/bbb-platform/agent-jobs',
  bootIdFile: '/proc/sys/kernel/random/boot_id',
  updateCommand: MAINTENANCE_COMMANDS.update,
  checkCommand: MAINTENANCE_COMMANDS.check,
  rebootCommand: MAINTENANCE_COMMANDS.rebootIfRequired,
};

/** The agent and its job runner, rendered for `paths`. */
export function agentScripts(paths: AgentPaths): { readonly agent: string; readonly jobRunner: string } {
  const { agentUser: _user, ...agent } = paths;
  const { agentPath, jobsDir, bootIdFile } = paths;
  return {
    agent: renderTemplate('bbb/platform-agent.sh', { ...agent, agentUser: paths.agentUser }),
    jobRunner: renderTemplate('bbb/platform-agent-job.sh', { agentPath, jobsDir, bootIdFile }),
  };
}

/** The key pair, one for the whole pool. */
export function powerAgentKey(scope: Construct): PrivateKey {
  return new PrivateKey(scope, 'PowerAgentKey', { algorithm: 'ED25519' });
}

/** Files and commands that set the agent up on a server whose key is `publicKeyOpenssh` (a Terraform reference). */
export function powerAgentSetup(publicKeyOpenssh: string): Required<Pick<CloudConfig, 'writeFiles' | 'runcmd'>> {
  const values = { agentUser: AGENT_USER, agentPath: AGENT_PATH };
  const scripts = agentScripts(AGENT_PATHS);
  const files: WriteFile[] = [
    { path: AGENT_PATH, content: scripts.agent, permissions: '0755' },
    { path: AGENT_PATHS.jobRunner, content: scripts.jobRunner, permissions: '0755' },
    { path: '/etc/ssh/sshd_config.d/20-platform-agent.conf', content: renderTemplate('bbb/platform-agent-sshd.conf', { ...values, authorizedKeys: AUTHORIZED_KEYS }) },
    { path: '/etc/sudoers.d/bbb-platform-agent', content: renderTemplate('bbb/platform-agent.sudoers', values), permissions: '0440' },
    { path: AUTHORIZED_KEYS, content: `restrict,command="${AGENT_PATH}" ${Fn.trimspace(publicKeyOpenssh)}\n` },
  ];
  return {
    writeFiles: files,
    // A system account without a password (`*`, not locked: sshd would refuse a locked one) and without a home.
    runcmd: [['sh', '-c', `id -u ${AGENT_USER} >/dev/null 2>&1 || useradd --system --shell /bin/sh --home-dir /nonexistent --no-create-home --password '*' ${AGENT_USER}`]],
  };
}
