/**
 * `npm run autoscaler:inventory -- <environment> [<file>] [--prometheus-url <url>]`:
 * writes the autoscaler's inventory of a deployed environment, as the monitoring VM
 * has it, from the `autoscaler_inventory` output of its BBB stack, for a dry run from
 * a laptop. The file holds the BBB and Scalelite secrets: only its owner may read it.
 * The inventory names Prometheus as the VM's Compose network does; from elsewhere,
 * tunnel to it and pass the tunnel's URL.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { parseInventory } from '../functions/autoscaler/inventory';
import { runCommand } from './command';

const USAGE = 'usage: npm run autoscaler:inventory -- <environment> [<file>] [--prometheus-url <url>]';

function bbbStackOutput(environment: string): string {
  const stackDir = path.join('cdktf.out', 'stacks', `${environment}-bbb`);
  if (!existsSync(stackDir)) {
    throw new Error(`${stackDir} does not exist: synthesize the environment first (npm run synth; ENVIRONMENTS=environments/${environment}.yaml for it alone)`);
  }
  const result = spawnSync('terraform', [`-chdir=${stackDir}`, 'output', '-raw', 'autoscaler_inventory'], {
    encoding: 'utf8',
    env: { ...process.env, CHECKPOINT_DISABLE: '1' },
  });
  if (result.error) throw new Error(`cannot run terraform: ${(result.error as NodeJS.ErrnoException).code ?? result.error.message}`);
  if (result.status !== 0) {
    throw new Error(
      `terraform output of ${environment}-bbb failed; the stack must be deployed, and its state reachable (the state keys exported when the environment sets state:):\n${result.stderr.trim()}`,
    );
  }
  return result.stdout;
}

runCommand('autoscaler:inventory', async () => {
  const { positionals, values } = parseArgs({ allowPositionals: true, options: { 'prometheus-url': { type: 'string' } } });
  const [environment, file = `${environment}-inventory.json`] = positionals;
  if (!environment || positionals.length > 2) throw new Error(USAGE);
  const source = `the autoscaler_inventory output of ${environment}-bbb`;
  const inventory = parseInventory(bbbStackOutput(environment), source);
  const written = values['prometheus-url'] ? { ...inventory, prometheusUrl: values['prometheus-url'] } : inventory;
  // Checked again, so that a bad --prometheus-url is refused here and not at the dry run.
  parseInventory(JSON.stringify(written), file);
  writeFileSync(file, `${JSON.stringify(written, null, 2)}\n`, { mode: 0o600 });
  console.log(
    `wrote ${file}: the inventory of ${environment}, ${inventory.servers.length} BBB servers; it holds secrets (readable by you only).\n` +
      `dry run: IONOS_TOKEN=... node dist/autoscaler.js tick --dry-run --inventory ${file}`,
  );
});
