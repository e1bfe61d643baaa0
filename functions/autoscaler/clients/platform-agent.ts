/**
 * The channel to a BBB server's operating system (ssh2): an SSH key the autoscaler holds,
 * which the server's authorized_keys ties to one command, the platform agent
 * (templates/bbb/platform-agent.sh), with `restrict`. Whatever command the client asks
 * for, sshd runs the agent, which reads the request from SSH_ORIGINAL_COMMAND and knows
 * only a fixed list of verbs with their exact arguments: `poweroff`, and the maintenance
 * verbs `update`, `check` (jobs that outlive the connection) and `reboot-if-required`.
 * The autoscaler connects over the private LAN.
 *
 * The server's host key is pinned (host-keys.ts): the channel runs updates and reboots,
 * so a host that answers in a BBB server's place must not be told what to do, nor be
 * believed when it says an update passed. Only ED25519 host keys are offered, so the key
 * pinned is the one `ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub` shows on the server.
 */
import { createHash } from 'node:crypto';
import { Client, type ConnectConfig } from 'ssh2';
import { AGENT_USER } from '../agent';
import { ApiError, NetworkError, ResponseShapeError, TimeoutError } from '../errors';
import type { AgentAnswer } from '../policy';

export type AgentRequest =
  | { readonly verb: 'poweroff' }
  | { readonly verb: 'reboot-if-required' }
  | { readonly verb: 'update' | 'check'; readonly job: string; readonly bbbVersion?: string };

/** A BBB server as the channel reaches it. */
export interface AgentTarget {
  /** The IONOS server name (the host key is pinned under it). */
  readonly name: string;
  /** Its private address. */
  readonly host: string;
  /** The VM: a server Terraform rebuilt is another VM, whose new key is pinned afresh. */
  readonly ionosServerId: string;
}

/** The server refused the key: it was set up before the channel existed (its first boot wrote its keys). */
export class NoChannelError extends Error {
  override readonly name = 'NoChannelError';
  constructor(readonly host: string) {
    super(`ssh ${host}: the server does not accept the platform agent's key (set up before the channel existed)`);
  }
}

/** The agent does not know the request (exit 64): it was set up before the verb existed. */
export class UnknownVerbError extends Error {
  override readonly name = 'UnknownVerbError';
  constructor(
    readonly host: string,
    readonly refusal: string,
  ) {
    super(`ssh ${host}: the platform agent refused the request: ${refusal}`);
  }
}

/** How a refused host key reads in an error message (and so in an action's outcome). */
export const HOST_KEY_CHANGED = 'host key changed';

/** The server's host key is not the one pinned for its VM: nothing was sent. */
export class HostKeyChangedError extends NetworkError {
  constructor(
    readonly server: string,
    readonly pinned: string,
    readonly offered: string,
  ) {
    super('ssh', server, `${HOST_KEY_CHANGED}: ${offered} offered, ${pinned} pinned for this VM; refused (autoscaler.js forget-host-key ${server} once it is known why)`);
  }
}

/** Checks a server's host key before anything is sent (host-keys.ts); throws to refuse it. */
export type HostKeyCheck = (target: AgentTarget, fingerprint: string) => Promise<void>;

export interface PlatformAgentOptions {
  readonly privateKey: string;
  readonly hostKeyCheck: HostKeyCheck;
  readonly user?: string;
  readonly port?: number;
  readonly timeoutMs?: number;
  /** Called right before the request leaves; throws to keep it from leaving (the lease). */
  readonly beforeSend?: () => void;
}

export interface PlatformAgent {
  /** Sends the request; resolves with the agent's answer once it ended (poweroff: `ok` once the power-off began). */
  send(target: AgentTarget, request: AgentRequest): Promise<AgentAnswer>;
}

/** The words of a request, as the agent reads them. */
export function requestLine(request: AgentRequest): string {
  switch (request.verb) {
    case 'poweroff':
    case 'reboot-if-required':
      return request.verb;
    case 'update':
    case 'check':
      return [request.verb, request.job, ...(request.bbbVersion ? ['--bbb-version', request.bbbVersion] : [])].join(' ');
  }
}

/** OpenSSH's fingerprint of a host key: SHA256 of the key blob, base64 without padding. */
export function fingerprintOf(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

/** Exit codes of the agent's answers (templates/maintenance/lib.sh, and 5 while a job runs). */
const ANSWER_CODES = new Set([0, 1, 2, 3, 4, 5]);
const REFUSED = 64;

function parseAnswer(path: string, request: AgentRequest, output: string): AgentAnswer {
  if (request.verb === 'poweroff') return { verb: 'poweroff', result: 'ok' };
  const line = output.trim().split('\n').pop() ?? '';
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    throw new ResponseShapeError('ssh', path, `not a result line: ${line.slice(0, 200)}`);
  }
  const answer = parsed as Partial<AgentAnswer>;
  if (typeof answer !== 'object' || answer === null || typeof answer.result !== 'string' || typeof answer.verb !== 'string') {
    throw new ResponseShapeError('ssh', path, `no verb and result: ${line.slice(0, 200)}`);
  }
  return answer as AgentAnswer;
}

export class SshPlatformAgent implements PlatformAgent {
  constructor(private readonly options: PlatformAgentOptions) {}

  send(target: AgentTarget, request: AgentRequest): Promise<AgentAnswer> {
    const timeoutMs = this.options.timeoutMs ?? 15_000;
    const line = requestLine(request);
    const path = `${target.host} ${line}`;
    return new Promise((resolve, reject) => {
      const client = new Client();
      let settled = false;
      /** Why the host key was refused, when it was. */
      let refusedKey: Error | undefined;
      const finish = (error?: Error, answer?: AgentAnswer) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        client.end();
        if (error) reject(error);
        else resolve(answer as AgentAnswer);
      };
      const timer = setTimeout(() => finish(new TimeoutError('ssh', path, timeoutMs)), timeoutMs);
      client.on('error', (error: Error & { level?: string }) => {
        if (refusedKey) finish(refusedKey);
        else finish(error.level === 'client-authentication' ? new NoChannelError(target.host) : new NetworkError('ssh', path, error.message));
      });
      client.on('ready', () => {
        try {
          this.options.beforeSend?.();
        } catch (error) {
          finish(error as Error);
          return;
        }
        client.exec(line, (error, channel) => {
          if (error) {
            finish(new NetworkError('ssh', path, error.message));
            return;
          }
          let stdout = '';
          let stderr = '';
          channel.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
          channel.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
          channel.on('exit', (code: number | null) => {
            if (code === REFUSED) return finish(new UnknownVerbError(target.host, stderr.trim().slice(0, 300)));
            if (code === null || !ANSWER_CODES.has(code) || (request.verb === 'poweroff' && code !== 0)) {
              return finish(new ApiError('ssh', path, code ?? -1, `${stdout}${stderr}`.trim().slice(0, 300)));
            }
            try {
              finish(undefined, parseAnswer(path, request, stdout));
            } catch (parseError) {
              finish(parseError as Error);
            }
          });
          // A server that powers off or reboots may drop the connection before the exit status arrives.
          channel.on('close', () => finish(new NetworkError('ssh', path, 'the connection closed before the agent answered')));
        });
      });
      const config: ConnectConfig = {
        host: target.host,
        port: this.options.port ?? 22,
        username: this.options.user ?? AGENT_USER,
        privateKey: this.options.privateKey,
        readyTimeout: timeoutMs,
        algorithms: { serverHostKey: ['ssh-ed25519'] },
        hostVerifier: (key: Buffer, verify: (valid: boolean) => void) => {
          this.options.hostKeyCheck(target, fingerprintOf(key)).then(
            () => verify(true),
            (error: Error) => {
              refusedKey = error;
              verify(false);
            },
          );
        },
      };
      client.connect(config);
    });
  }
}
