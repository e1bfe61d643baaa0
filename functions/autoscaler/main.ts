/**
 * Command line of the bundled autoscaler (dist/autoscaler.js):
 *   serve                 tick every interval, metrics and health on :9464
 *   tick [--dry-run]      one tick, result as JSON on stdout
 *   register [--dry-run]  only the Scalelite registration reconcile
 *   status                each pool server's state, read-only
 *   maintain <server>...|--all [--now], release <server>, forget-host-key <server>
 *                         an operator's request, written to the coordination store
 * Options: --inventory <path> (default /etc/bbb-autoscaler/inventory.json),
 * --hold <path> (default /etc/bbb-autoscaler/hold), --help.
 * The bundle also exports the function-runtime entry point, `handler(event)`.
 */
import { parseArgs } from 'node:util';
import { AGENT_KEY_PATH } from './agent';
import { createClients } from './create-clients';
import { runTick } from './handler';
import { DEFAULT_HOLD_PATH, HoldFileError, loadHoldList, holdWarnings } from './hold';
import { DEFAULT_INVENTORY_PATH, type Inventory, InventoryError, ionosTokenFromEnv, loadInventory } from './inventory';
import { LeaseHeldError } from './lease';
import { createLogger } from './log';
import { AutoscalerMetrics } from './metrics';
import { observe, readState } from './observe';
import { settingsFromInventoryPolicy } from './policy';
import { applyRegistration, planRegistration } from './register';
import { METRICS_PORT, serve } from './serve';
import { openSession } from './session';
import { renderStatus } from './status';

export { handler } from './handler';

/** Exit code of an acting command while another autoscaler holds the lease. */
export const LEASE_HELD_EXIT_CODE = 3;

export const USAGE = `Usage: autoscaler <command> [options]

Commands:
  serve                 run a tick every autoscaler.intervalSeconds; /metrics and /healthz on :${METRICS_PORT}
  tick [--dry-run]      run one tick and print its result as JSON
  register [--dry-run]  reconcile the Scalelite registration of every inventory server
  status                print each pool server's power, Scalelite state, meetings,
                        busy recordings, whether it is held and its maintenance (changes nothing)
  maintain <server>...|--all [--now]
                        ask for maintenance of these servers: in the next window even if
                        they are not due, or with --now at once; the acting autoscaler runs
                        it under its lease, a running server only when the others carry the load
  release <server>      give back a server held after a failed maintenance (due again next cycle)
  forget-host-key <server>
                        forget a server's pinned SSH host key (its disk was set up again);
                        the next connection pins the key it offers

Options:
  --inventory <path>    inventory JSON (default ${DEFAULT_INVENTORY_PATH})
  --hold <path>         servers held by an operator, one name per line (default ${DEFAULT_HOLD_PATH});
                        a held server is cordoned and otherwise left alone
  --port <number>       metrics port for serve (default ${METRICS_PORT})
  --host <address>      address serve listens on (default 0.0.0.0)
  --dry-run             log what would change, change nothing (needs no lease)
  --all                 maintain: every pool server
  --now                 maintain: at once, not in the next window
  --help                show this text

serve, tick and register act only while they hold the lease in the coordination store
(the platform's Redis, the inventory's coordination.redis): one autoscaler acts at a time. serve waits for
it; tick and register exit ${LEASE_HELD_EXIT_CODE} naming its holder. maintain, release and forget-host-key
only write to that store (they take no lease): the acting autoscaler carries them out.

Environment:
  IONOS_TOKEN           IONOS Cloud API token (required)
  POWER_AGENT_KEY_PATH  private key of the BBB servers' platform agent (default ${AGENT_KEY_PATH})
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
        all: { type: 'boolean', default: false },
        now: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    });
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port: must be a port number, got ${values.port}`);
    return {
      command: positionals[0],
      extra: positionals.slice(1),
      inventoryPath: values.inventory,
      holdPath: values.hold,
      port,
      host: values.host,
      dryRun: values['dry-run'],
      all: values.all,
      now: values.now,
      help: values.help,
    };
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
    checkArguments(args);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }

  // tick and register print their result on stdout, so their log lines go to stderr.
  const logger = createLogger(args.command === 'serve' ? 1 : 2);
  try {
    if (args.command === 'serve') return await serveCommand(args, logger);
    const inventory = loadInventory(args.inventoryPath);
    if (OPERATOR_COMMANDS.includes(args.command as (typeof OPERATOR_COMMANDS)[number])) return await operatorCommand(args, inventory);
    const hold = loadHoldList(args.holdPath);
    const acting = !args.dryRun && args.command !== 'status' && inventory.policy.autoscaler.enabled;
    const session = openSession(inventory, { command: args.command, acting });
    try {
      await session.lease?.acquire();
      const { clients, lease } = session;
      if (args.command === 'tick') {
        const result = await runTick({ dryRun: args.dryRun }, { inventory, hold, clients, logger, lease });
        process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        return 0;
      }
      if (args.command === 'status') {
        const now = new Date();
        const observation = observe(inventory, await readState(inventory, clients, now), now, hold.names);
        const holder = await clients.coordination.holder().catch(() => undefined);
        const leaseLine = holder ? `lease: held by ${holder.holder} for ${Math.ceil(holder.remainingMs / 1000)} s more` : 'lease: free';
        process.stdout.write(renderStatus(observation, [...holdWarnings(hold, inventory.servers.map((server) => server.name)), leaseLine]));
        return 0;
      }
      const state = await readState(inventory, clients, new Date());
      const steps = planRegistration(inventory, state, settingsFromInventoryPolicy(inventory.policy), hold.names);
      const outcomes = await applyRegistration(steps, inventory, clients, { dryRun: !acting, logger });
      process.stdout.write(`${JSON.stringify({ registration: outcomes, errors: state.errors }, null, 2)}\n`);
      return outcomes.some((outcome) => outcome.status === 'failed') || !state.scalelite.ok ? 1 : 0;
    } finally {
      await session.close();
    }
  } catch (error) {
    if (error instanceof InventoryError || error instanceof HoldFileError) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    if (error instanceof LeaseHeldError) {
      process.stderr.write(`${error.message}\n`);
      return LEASE_HELD_EXIT_CODE;
    }
    logger.error({ event: 'error', source: 'tick', detail: (error as Error).message }, 'autoscaler failed');
    return 1;
  }
}

const COMMANDS = ['serve', 'tick', 'register', 'status'] as const;
/** Commands that ask the acting autoscaler for something through the coordination store. */
const OPERATOR_COMMANDS = ['maintain', 'release', 'forget-host-key'] as const;

function checkArguments(args: ReturnType<typeof parse>): void {
  const { command, extra } = args;
  if (!command) throw new UsageError('missing command');
  if ((COMMANDS as readonly string[]).includes(command)) {
    if (extra.length > 0) throw new UsageError(`unknown command: ${[command, ...extra].join(' ')}`);
  } else if (command === 'maintain') {
    if (args.all === extra.length > 0) throw new UsageError('maintain: name the servers, or give --all');
  } else if (command === 'release' || command === 'forget-host-key') {
    if (extra.length !== 1) throw new UsageError(`${command}: name one server`);
  } else {
    throw new UsageError(`unknown command: ${[command, ...extra].join(' ')}`);
  }
  if ((args.all || args.now) && command !== 'maintain') throw new UsageError('--all and --now belong to maintain');
}

/**
 * maintain, release, forget-host-key: one write to the coordination store, which the
 * acting autoscaler reads every tick. Server names must be the inventory's.
 */
async function operatorCommand(args: ReturnType<typeof parse>, inventory: Inventory): Promise<number> {
  const names = inventory.servers.map((server) => server.name);
  const unknown = args.extra.filter((name) => !names.includes(name));
  if (unknown.length > 0) {
    process.stderr.write(`${args.command}: ${unknown.join(', ')}: not an inventory server (the pool: ${names.join(', ')})\n`);
    return 2;
  }
  const session = openSession(inventory, { command: args.command as string, acting: false });
  try {
    const store = session.clients.coordination;
    if (args.command === 'maintain') {
      const request = await store.requestMaintenance(args.all ? 'all' : args.extra, args.now);
      const which = request.servers === 'all' ? 'every pool server' : request.servers.join(', ');
      process.stdout.write(`maintenance asked for ${which} ${request.now ? 'at once' : 'in the next window'} (${request.at.toISOString()}); \`status\` shows its progress\n`);
      return 0;
    }
    const [server] = args.extra;
    if (args.command === 'release') {
      if (!(await store.releaseMaintenance(server, `released by hand at ${new Date().toISOString()}`))) {
        process.stderr.write(`release: ${server} is not held after a failed maintenance\n`);
        return 1;
      }
      process.stdout.write(`${server} given back: the autoscaler uses it again, and patches it in the next cycle\n`);
      return 0;
    }
    const forgotten = await store.forgetHostKey(server);
    process.stdout.write(forgotten ? `${server}: its host key is forgotten; the next connection pins the key it offers\n` : `${server}: no host key was pinned\n`);
    return 0;
  } finally {
    await session.close();
  }
}

/**
 * serve: ticks every interval while it holds the lease, waits for it while another
 * autoscaler does, renews it between ticks, and gives it back when it stops. The
 * inventory is read again every tick; the connection to the coordination store is kept.
 */
async function serveCommand(args: ReturnType<typeof parse>, logger: ReturnType<typeof createLogger>): Promise<number> {
  const first = loadInventory(args.inventoryPath);
  const session = openSession(first, { command: 'serve', acting: true });
  const lease = session.lease;
  if (!lease) throw new Error('serve acts, so its session holds a lease');
  let intervalSeconds = first.policy.autoscaler.intervalSeconds;
  const metrics = new AutoscalerMetrics();
  let waitingFor: string | undefined;
  /** While another autoscaler holds the lease: when to ask again (as its lease would run out). */
  let retrySeconds: number | undefined;
  const renewal = setInterval(() => {
    if (lease.held) void lease.renew().catch((error: Error) => logger.warn({ event: 'lease', detail: error.message }, 'lease renewal failed'));
  }, (first.policy.autoscaler.leaseSeconds * 1000) / 3);
  const service = await serve({
    tick: async () => {
      let inventory: ReturnType<typeof loadInventory>;
      let hold: ReturnType<typeof loadHoldList>;
      try {
        inventory = loadInventory(args.inventoryPath);
        hold = loadHoldList(args.holdPath);
      } catch (error) {
        // A broken inventory update must not stop the service; the last good pace continues.
        metrics.errors.inc({ source: 'tick' });
        logger.error({ event: 'error', source: 'tick', detail: (error as Error).message }, 'cannot load the inventory or the hold list');
        throw error;
      }
      intervalSeconds = inventory.policy.autoscaler.intervalSeconds;
      if (inventory.policy.autoscaler.enabled && !lease.held) {
        try {
          await lease.acquire();
          logger.info({ event: 'lease', token: lease.fencingToken }, 'holds the lease: acting');
          waitingFor = undefined;
          retrySeconds = undefined;
        } catch (error) {
          if (!(error instanceof LeaseHeldError)) throw error;
          if (waitingFor !== error.holder) logger.warn({ event: 'lease', holder: error.holder }, `waiting: ${error.message}`);
          waitingFor = error.holder;
          retrySeconds = Math.min(intervalSeconds, error.remainingMs / 1000 + 1);
          return undefined;
        }
      }
      const clients = createClients(inventory, ionosTokenFromEnv(), { coordination: lease.store, beforeChange: () => lease.assertHeld(), fencingToken: () => lease.fencingToken });
      return runTick({}, { inventory, hold, clients, logger, metrics, lease });
    },
    intervalSeconds: () => retrySeconds ?? intervalSeconds,
    metrics,
    logger,
    port: args.port,
    host: args.host,
  });
  process.once('SIGTERM', service.stop);
  process.once('SIGINT', service.stop);
  await service.stopped;
  clearInterval(renewal);
  await session.close();
  return 0;
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
