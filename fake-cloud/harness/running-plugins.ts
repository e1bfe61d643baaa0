/**
 * The providers as plugin processes that run for a whole session, one per provider,
 * which Terraform connects to instead of starting its own: TF_REATTACH_PROVIDERS, the
 * variable of hashicorp/terraform v1.11.4 main.go parseReattachProviders, the way
 * providers are debugged. Terraform otherwise starts every provider a stack uses
 * several times per command, and those starts were most of the CPU a test run spent.
 *
 * Each entry says `Test: true`: go-plugin v1.6.0 (client.go reattach and Kill) then
 * leaves the process alone when a command ends, instead of shutting it down through
 * its controller. Terraform neither installs nor locks a provider it reattaches to
 * (internal/providercache/installer.go, unmanaged providers), and the connection has
 * no TLS, as Terraform's reattach configuration carries none. What the plugins serve
 * is the same as when Terraform starts them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { CLOUD_DIR_VARIABLE } from '../cloud/store';
import { PROVIDERS } from '../providers';
import { HANDSHAKE_COOKIE, PROTOCOL_VERSION, STOP_WITH_STDIN_VARIABLE } from '../plugin/handshake';
import { PLUGIN_UNSET_VARIABLES, type PreparedPlugin } from './plugin-bundle';

export const REATTACH_VARIABLE = 'TF_REATTACH_PROVIDERS';

interface ReattachEntry {
  readonly Protocol: 'grpc';
  readonly ProtocolVersion: number;
  readonly Pid: number;
  readonly Test: true;
  readonly Addr: { readonly Network: 'tcp'; readonly String: string };
}

export class RunningPlugins {
  private constructor(
    private readonly processes: readonly ChildProcess[],
    /** The value of TF_REATTACH_PROVIDERS. */
    readonly reattach: string,
  ) {}

  /** `environment`: Terraform's, which a plugin it starts inherits. */
  static async start(plugin: PreparedPlugin, cloudDirectory: string, environment: NodeJS.ProcessEnv): Promise<RunningPlugins> {
    const started = await Promise.allSettled(PROVIDERS.map((provider) => startPlugin(plugin, provider.name, { ...environment, [CLOUD_DIR_VARIABLE]: cloudDirectory })));
    const processes = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value.child] : []));
    const failed = started.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed) {
      await stopAll(processes);
      throw failed.reason;
    }
    const entries = started.map((result, index) => [PROVIDERS[index].source, (result as PromiseFulfilledResult<StartedPlugin>).value.entry]);
    return new RunningPlugins(processes, JSON.stringify(Object.fromEntries(entries)));
  }

  stop(): Promise<void> {
    return stopAll(this.processes);
  }
}

interface StartedPlugin {
  readonly child: ChildProcess;
  readonly entry: ReattachEntry;
}

/** Starts one provider's plugin and reads its handshake line (`1|6|tcp|127.0.0.1:<port>|grpc|`). */
function startPlugin(plugin: PreparedPlugin, provider: string, environment: NodeJS.ProcessEnv): Promise<StartedPlugin> {
  const inherited = Object.entries(environment).filter(([name]) => !(PLUGIN_UNSET_VARIABLES as readonly string[]).includes(name));
  const child = spawn(process.execPath, [plugin.launcher, plugin.file, provider], {
    env: {
      ...Object.fromEntries(inherited),
      ...plugin.environment,
      ...HANDSHAKE_COOKIE,
      PLUGIN_PROTOCOL_VERSIONS: String(PROTOCOL_VERSION),
      [STOP_WITH_STDIN_VARIABLE]: '1',
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    let errors = '';
    let started = false;
    // Before the handshake what the plugin says explains its failure; after it, a crash
    // shows where the tests report.
    child.stderr!.on('data', (chunk: Buffer) => (started ? process.stderr.write(chunk) : (errors += chunk.toString('utf8'))));
    child.stdout!.on('data', (chunk: Buffer) => {
      if (started) return;
      output += chunk.toString('utf8');
      if (!output.includes('\n')) return;
      const line = output.slice(0, output.indexOf('\n'));
      const [, protocolVersion, network, address, protocol] = line.split('|');
      if (network !== 'tcp' || protocol !== 'grpc') {
        child.kill();
        reject(new Error(`fake cloud: the ${provider} plugin answered ${JSON.stringify(line)} instead of a handshake`));
        return;
      }
      started = true;
      resolve({ child, entry: { Protocol: 'grpc', ProtocolVersion: Number(protocolVersion), Pid: child.pid!, Test: true, Addr: { Network: 'tcp', String: address } } });
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (!started) reject(new Error(`fake cloud: the ${provider} plugin exited (${code}) before its handshake: ${errors.trim()}`));
    });
  });
}

async function stopAll(processes: readonly ChildProcess[]): Promise<void> {
  await Promise.all(
    processes.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          // Its stdin closing stops it, as it would if this process died.
          child.stdin!.end();
        }),
    ),
  );
}
