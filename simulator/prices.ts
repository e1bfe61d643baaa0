/**
 * What IONOS bills for a BBB server: cores and RAM by the hour while it holds them (a
 * stopped server pays only its disk, the same for every policy, so left out). The prices
 * come from a YAML file that names its source and date (simulator/ionos-prices.yaml).
 */
import { readFileSync } from 'node:fs';
import * as yaml from 'js-yaml';
import * as v from 'valibot';
import { formatProblem, issueProblem } from '../config/issues';

export const DEFAULT_PRICES_FILE = `${__dirname}/ionos-prices.yaml`;

const positive = v.pipe(v.number(), v.gtValue(0));
const pricesSchema = v.strictObject({
  source: v.pipe(v.string(), v.url('must be the URL the prices were read from')),
  date: v.pipe(v.string(), v.isoDate('must be the date the prices were read, YYYY-MM-DD')),
  currency: v.literal('EUR'),
  dedicatedCorePerHour: positive,
  ramGbPerHour: positive,
  note: v.optional(v.string()),
});

export type Prices = v.InferOutput<typeof pricesSchema>;

export class PricesError extends Error {
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`${source}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'PricesError';
  }
}

export function parsePrices(text: string, source = '<prices>'): Prices {
  let document: unknown;
  try {
    document = yaml.load(text, { schema: yaml.CORE_SCHEMA });
  } catch (error) {
    throw new PricesError(source, [`not valid YAML: ${(error as Error).message.split('\n')[0]}`]);
  }
  const parsed = v.safeParse(pricesSchema, document);
  if (!parsed.success) throw new PricesError(source, parsed.issues.map((issue) => formatProblem(issueProblem(pricesSchema, issue), '(document)')));
  return parsed.output;
}

export function loadPrices(file = DEFAULT_PRICES_FILE): Prices {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new PricesError(file, [`cannot read file: ${(error as NodeJS.ErrnoException).code ?? String(error)}`]);
  }
  return parsePrices(text, file);
}

/** Euros for `cores` and `ramGb` held for one minute. */
export function euroPerMinute(cores: number, ramGb: number, prices: Prices): number {
  return (cores * prices.dedicatedCorePerHour + ramGb * prices.ramGbPerHour) / 60;
}
