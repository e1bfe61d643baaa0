/**
 * `npm run validate`: the real `terraform validate` of every stack `npm run synth` wrote,
 * offline, with the fake cloud serving the providers (fake-cloud/). Fails on any error
 * or warning, each named by stack.
 */
import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { FakeCloudSession } from '../fake-cloud/harness/session';
import { requireTerraform } from '../fake-cloud/harness/terraform';
import { validateCopies } from '../fake-cloud/harness/validate';
import { runCommand } from './command';

runCommand('validate', async () => {
  const outDir = path.resolve(process.argv[2] ?? 'cdktf.out');
  const stacksDirectory = path.join(outDir, 'stacks');
  if (!existsSync(stacksDirectory)) throw new Error(`${outDir}: no synthesized stacks; run npm run synth first`);
  const version = requireTerraform();
  const stacks = readdirSync(stacksDirectory).sort();
  const session = FakeCloudSession.create();
  try {
    const findings = await validateCopies(session, stacksDirectory, stacks);
    if (findings.length > 0) {
      console.error(findings.join('\n'));
      throw new Error(`${findings.length} finding(s) in ${stacks.length} stack(s)`);
    }
    console.log(`${outDir}: ${stacks.length} stacks pass terraform validate (Terraform ${version}) with no warning`);
  } finally {
    await session.close();
  }
});
