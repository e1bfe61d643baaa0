/**
 * Command line of the bundled autoscaler (dist/autoscaler.js):
 *   serve                 tick every interval, metrics and health on :9464
 *   tick [--dry-run]      one tick, result as JSON on stdout
 *   register [--dry-run]  only the Scalelite registration reconcile
 *   status                each pool server's state, read-only
 * Options: --inventory <path> (default /etc/bbb-autoscaler/inventory.json),
 * --hold <path> (default /etc/bbb-autoscaler/hold), --help.
 */
import { parseArgs } from 'node:util';
import { createClients, runTick } from './handler';
import { DEFAULT_HOLD_PATH, HoldFileError, loadHoldList, holdWarnings } from './hold';
import { DEFAULT_INVENTORY_PATH, InventoryError, ionosTokenFromEnv, loadInventory } from './inventory';
import { createLogger } from './log';
import { AutoscalerMetrics } from './metrics';
import { observe, readState } from './observe';
import { settingsFromInventoryPolicy } from './policy';
import { applyRegistration, planRegistration } from './register';
import { METRICS_PORT, serve } from './serve';
import { renderStatus } from './status';

export const USAGE = `Usage: autoscaler <command> [options]

Commands:
  serve                 run a tick every autoscaler.intervalSeconds; /metrics and /healthz on :${METRICS_PORT}
  tick [--dry-run]      run one tick and print its result as JSON
  register [--dry-run]  reconcile the Scalelite registration of every inventory server
  status                print each pool server's power, Scalelite state, meetings,
                        busy recordings and whether it is held (changes nothing)

Options:
  --inventory <path>    inventory JSON (default ${DEFAULT_INVENTORY_PATH})
  --hold <path>         servers held by an operator, one name per line (default ${DEFAULT_HOLD_PATH});
                        a held server is cordoned and otherwise left alone
  --port <number>       metrics port for serve (default ${METRICS_PORT})
  --host <address>      address serve listens on (default 0.0.0.0)
  --dry-run             log what would change, change nothing
  --help                show this text

Environment:
  IONOS_TOKEN           IONOS Cloud API token (required)
  LOG_LEVEL             pino level (default info)
`;

class UsageError extends Error {}

function parse(argv: string[]) {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        inventory: { type: 'string', default: DEFAULT_INVENTORY_PATH },
        hold: { type: 'string', default: DEFAULT_HOLD_PATH },
        port: { type: 'string', default: String(METRICS_PORT) },
        host: { type: 'string', default: '0.0.0.0' },
        'dry-run': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    });
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port: must be a port number, got ${values.port}`);
    return { command: positionals[0], extra: positionals.slice(1), inventoryPath: values.inventory, holdPath: values.hold, port, host: values.host, dryRun: values['dry-run'], help: values.help };
  } catch (error) {
    throw error instanceof UsageError ? error : new UsageError((error as Error).message);
  }
}

export async function main(argv: string[]): Promise<number> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse(argv);
    if (args.help) {
      process.stdout.write(USAGE);
      return 0;
    }
    if (!args.command || !['serve', 'tick', 'register', 'status'].includes(args.command) || args.extra.length > 0) {
      throw new UsageError(args.command ? `unknown command: ${[args.command, ...args.extra].join(' ')}` : 'missing command');
    }
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }

  // tick and register print their result on stdout, so their log lines go to stderr.
  const logger = createLogger(args.command === 'serve' ? 1 : 2);
  const load = () => {
    const inventory = loadInventory(args.inventoryPath);
    return { inventory, hold: loadHoldList(args.holdPath), clients: createClients(inventory, ionosTokenFromEnv()) };
  };
  try {
    if (args.command === 'tick') {
      const result = await runTick({ dryRun: args.dryRun }, { ...load(), logger });
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      return 0;
    }
    if (args.command === 'status') {
      const { inventory, hold, clients } = load();
      const now = new Date();
      const observation = observe(inventory, await readState(inventory, clients, now), now, hold.names);
      process.stdout.write(renderStatus(observation, holdWarnings(hold, inventory.servers.map((server) => server.name))));
      return 0;
    }
    if (args.command === 'register') {
      const { inventory, hold, clients } = load();
      const state = await readState(inventory, clients, new Date());
      const steps = planRegistration(inventory, state, settingsFromInventoryPolicy(inventory.policy), hold.names);
      const outcomes = await applyRegistration(steps, inventory, clients, { dryRun: args.dryRun, logger });
      process.stdout.write(`${JSON.stringify({ registration: outcomes, errors: state.errors }, null, 2)}\n`);
      return outcomes.some((outcome) => outcome.status === 'failed') || !state.scalelite.ok ? 1 : 0;
    }
    let intervalSeconds = load().inventory.policy.autoscaler.intervalSeconds;
    const metrics = new AutoscalerMetrics();
    const service = await serve({
      tick: async () => {
        let context: ReturnType<typeof load>;
        try {
          context = load();
        } catch (error) {
          // A broken inventory update must not stop the service; the last good pace continues.
          metrics.errors.inc({ source: 'tick' });
          logger.error({ event: 'error', source: 'tick', detail: (error as Error).message }, 'cannot load the inventory');
          throw error;
        }
        intervalSeconds = context.inventory.policy.autoscaler.intervalSeconds;
        return runTick({}, { ...context, logger, metrics });
      },
      intervalSeconds: () => intervalSeconds,
      metrics,
      logger,
      port: args.port,
      host: args.host,
    });
    process.once('SIGTERM', service.stop);
    process.once('SIGINT', service.stop);
    await service.stopped;
    return 0;
  } catch (error) {
    if (error instanceof InventoryError || error instanceof HoldFileError) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    logger.error({ event: 'error', source: 'tick', detail: (error as Error).message }, 'autoscaler failed');
    return 1;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
