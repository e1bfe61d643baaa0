/**
 * `npm run autoscaler:inventory`: the inventory of a deployed environment, from the
 * BBB stack's `autoscaler_inventory` output, read by a stand-in `terraform` that
 * answers `output -raw` as Terraform does (the string as it is, no newline) or fails
 * as Terraform does on a stack whose state it cannot read.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { exampleConfig, synthEnvironment } from '../../testing/synth';
import { runScript } from '../support/run-script';
import { standIn } from '../support/stand-ins';
import { World } from './fakes/world';

const inventory = new World({ servers: 3, minRunning: 1 }).inventory();

describe('npm run autoscaler:inventory', () => {
  const work = mkdtempSync(path.join(tmpdir(), 'inventory-command-'));
  const bin = path.join(work, 'bin');
  mkdirSync(bin);
  mkdirSync(path.join(work, 'cdktf.out', 'stacks', 'example-bbb'), { recursive: true });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  const run = (args: string[], answer: string) => {
    standIn(bin, 'terraform', answer);
    return runScript('scripts/autoscaler-inventory.ts', args, { cwd: work, env: { PATH: `${bin}:${process.env.PATH}` } });
  };
  const answering = (document: unknown) =>
    `[ "$1 $2 $3 $4" = "-chdir=cdktf.out/stacks/example-bbb output -raw autoscaler_inventory" ] || exit 2\nprintf '%s' '${JSON.stringify(document)}'`;

  it('reads the output the BBB stack declares', () => {
    const output = synthEnvironment(exampleConfig()).stacks['example-bbb'].output.autoscaler_inventory;
    expect(output).toMatchObject({ sensitive: true, value: expect.stringMatching(/^\$\{local\.Pool_Inventory_/) });
  });

  it('writes the inventory, readable by its owner only, and says how to use it', () => {
    const result = run(['example', 'inventory.json', '--prometheus-url', 'http://127.0.0.1:9090'], answering(inventory));
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const file = path.join(work, 'inventory.json');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ ...inventory, prometheusUrl: 'http://127.0.0.1:9090' });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(result.stdout).toContain('wrote inventory.json: the inventory of example, 3 BBB servers');
    expect(result.stdout).toContain('node dist/autoscaler.js tick --dry-run --inventory inventory.json');
  });

  it('says what failed when Terraform cannot read the state', () => {
    const result = run(['example'], `echo 'Error: Backend initialization required, please run "terraform init"' >&2\nexit 1`);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('autoscaler:inventory: terraform output of example-bbb failed; the stack must be deployed');
    expect(result.stderr).toContain('Backend initialization required');
  });

  it('refuses an output that is no valid inventory', () => {
    const result = run(['example'], answering({ ...inventory, servers: [] }));
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('the autoscaler_inventory output of example-bbb: 1 problem\n  servers: must list at least one BBB server');
  });

  it('names a stack that was not synthesized', () => {
    const result = run(['schools'], 'exit 3');
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('cdktf.out/stacks/schools-bbb does not exist: synthesize the environment first');
  });
});
