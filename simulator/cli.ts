/**
 * npm run simulate -- --trace <file.csv> [--config <env.yaml>] [--json] [--svg <out.svg>] [--boot-delay <min>]
 *   [--maintenance-minutes <min>] [--prices <file.yaml>]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { loadEnvironmentFile } from '../config';
import { chartSvg } from './chart';
import { loadPrices } from './prices';
import { progressReporter } from './progress';
import { jsonReport, tableReport } from './report';
import { DEFAULT_BOOT_DELAY_MINUTES, DEFAULT_MAINTENANCE_MINUTES, simulate, simulationMinutes } from './simulate';
import { TraceError, parseTrace } from './trace';

const USAGE = `usage: npm run simulate -- --trace <file.csv> [--config <env.yaml>] [--json] [--svg <out.svg>] [--boot-delay <min>] [--maintenance-minutes <min>] [--prices <file.yaml>]

  --trace                load trace, one row per meeting (start,duration_min,participants,webcams)
  --config               environment file (default environments/example.yaml)
  --json                 print one JSON object instead of the table
  --svg                  also write a chart of load and capacity per policy
  --boot-delay           minutes until a started server answers (default ${DEFAULT_BOOT_DELAY_MINUTES})
  --maintenance-minutes  a server's update, reboot and check in the nightly maintenance cycle (default ${DEFAULT_MAINTENANCE_MINUTES})
  --prices               IONOS prices per core-hour and GB-hour of RAM (default simulator/ionos-prices.yaml)`;

class UsageError extends Error {}

interface Options {
  trace: string;
  config: string;
  json: boolean;
  svg?: string;
  bootDelayMinutes: number;
  maintenanceMinutes: number;
  prices?: string;
}

function parseOptions(argv: string[]): Options | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        trace: { type: 'string' },
        config: { type: 'string', default: 'environments/example.yaml' },
        json: { type: 'boolean', default: false },
        svg: { type: 'string' },
        'boot-delay': { type: 'string' },
        'maintenance-minutes': { type: 'string' },
        prices: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values } = parsed;
  if (values.help) return 'help';
  if (!values.trace) throw new UsageError('--trace <file.csv> is required');
  const bootDelayMinutes = minutesOption('--boot-delay', values['boot-delay'], DEFAULT_BOOT_DELAY_MINUTES, 1, 60);
  // The update takes what the reboot and the check leave: at least a minute.
  const maintenanceMinutes = minutesOption('--maintenance-minutes', values['maintenance-minutes'], DEFAULT_MAINTENANCE_MINUTES, 4, 120);
  return { trace: values.trace, config: values.config!, json: values.json!, svg: values.svg, bootDelayMinutes, maintenanceMinutes, prices: values.prices };
}

function minutesOption(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const minutes = Number(value);
  if (!/^\d+$/.test(value) || minutes < min || minutes > max) {
    throw new UsageError(`${name} must be a whole number of minutes from ${min} to ${max}, got "${value}"`);
  }
  return minutes;
}

function readTrace(file: string) {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new TraceError(file, [`cannot read file: ${(error as NodeJS.ErrnoException).code ?? String(error)}`]);
  }
  return parseTrace(text, file);
}

export interface Output {
  write(text: string): unknown;
}

/** Runs the command; returns the exit code (0 ok, 1 bad input, 2 bad usage). */
export async function runSimulate(argv: string[], stdout: Output, stderr: Output & { isTTY?: boolean }): Promise<number> {
  try {
    const options = parseOptions(argv);
    if (options === 'help') {
      stdout.write(`${USAGE}\n`);
      return 0;
    }
    const config = loadEnvironmentFile(options.config);
    const prices = loadPrices(options.prices);
    const trace = readTrace(options.trace);
    const progress = progressReporter(stderr, `simulating ${basename(options.trace)}`, simulationMinutes(trace));
    const simulation = simulate(trace, config, { prices, bootDelayMinutes: options.bootDelayMinutes, maintenanceMinutes: options.maintenanceMinutes, onMinute: progress.tick });
    progress.done();

    const title = `${basename(options.trace)} (${trace.meetings.length} meetings, boot delay ${options.bootDelayMinutes} min, configuration ${options.config})`;
    if (options.svg) writeFileSync(options.svg, await chartSvg(simulation, title));
    stdout.write(options.json ? `${JSON.stringify(jsonReport(simulation))}\n` : `${tableReport(title, simulation)}\n`);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      stderr.write(`error: ${error.message}\n\n${USAGE}\n`);
      return 2;
    }
    // Trace and config errors carry every problem with its line or key; no stack trace.
    stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

if (require.main === module) {
  void runSimulate(process.argv.slice(2), process.stdout, process.stderr).then((code) => {
    process.exitCode = code;
  });
}
