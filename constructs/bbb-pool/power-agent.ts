/**
 * The platform agent on a BBB server: the channel the autoscaler powers the server's
 * operating system off through before IONOS stops the VM. An ED25519 key pair generated
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
import { renderTemplate } from '../templates';

const AUTHORIZED_KEYS = '/etc/bbb-platform/agent/authorized_keys';

/** The key pair, one for the whole pool. */
export function powerAgentKey(scope: Construct): PrivateKey {
  return new PrivateKey(scope, 'PowerAgentKey', { algorithm: 'ED25519' });
}

/** Files and commands that set the agent up on a server whose key is `publicKeyOpenssh` (a Terraform reference). */
export function powerAgentSetup(publicKeyOpenssh: string): Required<Pick<CloudConfig, 'writeFiles' | 'runcmd'>> {
  const values = { agentUser: AGENT_USER, agentPath: AGENT_PATH };
  const files: WriteFile[] = [
    { path: AGENT_PATH, content: renderTemplate('bbb/platform-agent.sh', values), permissions: '0755' },
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
