/**
 * The channel to a BBB server's operating system (ssh2): an SSH key the autoscaler holds,
 * which the server's authorized_keys ties to one command, the platform agent
 * (templates/bbb/platform-agent.sh), with `restrict`. Whatever command the client asks
 * for, sshd runs the agent, which reads the verb from SSH_ORIGINAL_COMMAND and knows only
 * a fixed list (today `poweroff`). The autoscaler connects over the private LAN.
 *
 * The server's host key is not checked: the key can do nothing but ask a server to power
 * off, and the autoscaler waits for IONOS to report the server off, so a host that
 * pretended to be a BBB server would learn nothing and change nothing.
 */
import { Client, type ConnectConfig } from 'ssh2';
import { AGENT_USER } from '../agent';
import { ApiError, NetworkError, TimeoutError } from '../errors';

export type Verb = 'poweroff';

/** The server refused the key: it was set up before the channel existed (its first boot wrote its keys). */
export class NoChannelError extends Error {
  override readonly name = 'NoChannelError';
  constructor(readonly host: string) {
    super(`ssh ${host}: the server does not accept the power-off key (set up before the channel existed)`);
  }
}

export interface PowerAgentOptions {
  readonly privateKey: string;
  readonly user?: string;
  readonly port?: number;
  readonly timeoutMs?: number;
  /** Called right before the command leaves; throws to keep it from leaving (the lease). */
  readonly beforeSend?: () => void;
}

export interface PowerAgent {
  /** Asks the server's operating system to power off; resolves once the agent accepted. */
  send(host: string, verb: Verb): Promise<void>;
}

export class SshPowerAgent implements PowerAgent {
  constructor(private readonly options: PowerAgentOptions) {}

  send(host: string, verb: Verb): Promise<void> {
    const timeoutMs = this.options.timeoutMs ?? 15_000;
    const path = `${host} ${verb}`;
    return new Promise((resolve, reject) => {
      const client = new Client();
      let settled = false;
      const finish = (error?: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        client.end();
        if (error) reject(error);
        else resolve();
      };
      const timer = setTimeout(() => finish(new TimeoutError('ssh', path, timeoutMs)), timeoutMs);
      client.on('error', (error: Error & { level?: string }) => {
        finish(error.level === 'client-authentication' ? new NoChannelError(host) : new NetworkError('ssh', path, error.message));
      });
      client.on('ready', () => {
        try {
          this.options.beforeSend?.();
        } catch (error) {
          finish(error as Error);
          return;
        }
        client.exec(verb, (error, channel) => {
          if (error) {
            finish(new NetworkError('ssh', path, error.message));
            return;
          }
          let output = '';
          channel.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
          channel.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
          channel.on('exit', (code: number | null) => {
            finish(code === 0 ? undefined : new ApiError('ssh', path, code ?? -1, output.trim().slice(0, 300)));
          });
          // A server that powers off may drop the connection before the exit status arrives.
          channel.on('close', () => finish(new NetworkError('ssh', path, 'the connection closed before the agent answered')));
        });
      });
      const config: ConnectConfig = {
        host,
        port: this.options.port ?? 22,
        username: this.options.user ?? AGENT_USER,
        privateKey: this.options.privateKey,
        readyTimeout: timeoutMs,
        hostVerifier: () => true,
      };
      client.connect(config);
    });
  }
}
