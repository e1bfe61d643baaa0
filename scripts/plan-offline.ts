/**
 * `npm run plan:offline [-- <stack> ...]`: Terraform's own plan of the example
 * environment, without IONOS credentials, against the fake cloud (fake-cloud/). Stacks
 * go in deployment order; each stack the requested ones read from is applied to the
 * fake cloud first, so their plans see real-looking outputs. Plans only: nothing
 * reaches IONOS, and only a real account proves what IONOS itself accepts.
 */
import * as path from 'node:path';
import { loadEnvironmentFile } from '../config';
import { deployInOrder } from '../fake-cloud/harness/deploy';
import { FakeCloudSession } from '../fake-cloud/harness/session';
import { dependenciesOf } from '../fake-cloud/harness/stack-order';
import { requireTerraform } from '../fake-cloud/harness/terraform';
import { EXAMPLE_FILE, synthEnvironmentInto } from '../testing/synth';
import { runCommand } from './command';
import { prepareGenerated } from './prepare';

runCommand('plan:offline', async () => {
  requireTerraform();
  await prepareGenerated();
  const session = FakeCloudSession.create();
  try {
    const outdir = path.join(session.root, 'synth');
    const { stacks } = synthEnvironmentInto(loadEnvironmentFile(EXAMPLE_FILE), outdir);
    const names = Object.keys(stacks);
    const requested = process.argv.slice(2);
    const unknown = requested.filter((stack) => !names.includes(stack));
    if (unknown.length > 0) throw new Error(`no stack ${unknown.join(', ')} in the example; its stacks are ${names.join(', ')}`);
    const shown = requested.length > 0 ? requested : names;
    const stacksDirectory = path.join(outdir, 'stacks');
    const needed = withDependencies(stacksDirectory, shown);
    const dependedOn = new Set(needed.flatMap((stack) => dependenciesOf(path.join(stacksDirectory, stack))));
    await deployInOrder(session, stacksDirectory, needed, {
      apply: (stack) => dependedOn.has(stack),
      onPlan: ({ name, text }) => {
        if (shown.includes(name)) process.stdout.write(`\n=== ${name} ===\n${text}`);
      },
    });
  } finally {
    await session.close();
  }
});

function withDependencies(stacksDirectory: string, stacks: readonly string[]): string[] {
  const needed = new Set<string>();
  const add = (stack: string) => {
    if (needed.has(stack)) return;
    needed.add(stack);
    dependenciesOf(path.join(stacksDirectory, stack)).forEach(add);
  };
  stacks.forEach(add);
  return [...needed];
}
