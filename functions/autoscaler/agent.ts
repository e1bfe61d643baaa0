/**
 * The platform agent on every BBB server (templates/bbb/platform-agent.sh): the account
 * the autoscaler's SSH key logs in as, and where the agent lives. Shared by the server's
 * set-up (constructs/bbb-pool) and the autoscaler's client, without either's dependencies.
 */
export const AGENT_USER = 'bbb-agent';
export const AGENT_PATH = '/usr/local/sbin/bbb-platform-agent';
/** On the monitoring VM: the private key, readable by the autoscaler's container user only. */
export const AGENT_KEY_PATH = '/etc/bbb-autoscaler/power-agent.key';
