/**
 * `npm run validate`: the offline `terraform validate` of what `npm run synth` wrote.
 * Checks every stack in cdktf.out/ against the committed IONOS provider schema.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { checkSynthOutput } from '../testing/schema-check';

const outDir = path.resolve(process.argv[2] ?? 'cdktf.out');
if (!existsSync(path.join(outDir, 'stacks'))) {
  console.error(`${outDir}: no synthesized stacks; run npm run synth first`);
  process.exit(2);
}
const problems = checkSynthOutput(outDir);
if (problems.length > 0) {
  console.error(problems.join('\n'));
  console.error(`${problems.length} problem(s) against the provider schema`);
  process.exit(1);
}
console.log(`${outDir}: every stack matches the provider schema`);
