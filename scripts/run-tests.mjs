/**
 * `npm test`: the type-check and the Jest suite side by side. The suite's longest file
 * mostly waits (a minute of real Prometheus scrapes), and the type-check fits into the
 * CPU time that leaves free. Jest's output streams as usual; the type-check's report
 * follows it. The exit status is non-zero when either fails. Arguments go to Jest.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

function run(script, args, options) {
  const child = spawn(process.execPath, [require.resolve(script), ...args], options);
  const output = [];
  child.stdout?.on('data', (chunk) => output.push(chunk));
  child.stderr?.on('data', (chunk) => output.push(chunk));
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), output })));
}

const typecheck = run('typescript/bin/tsc', ['--noEmit', '-p', '.'], { stdio: ['ignore', 'pipe', 'pipe'] });
const tests = run('jest/bin/jest', process.argv.slice(2), { stdio: 'inherit' });

const [checked, tested] = await Promise.all([typecheck, tests]);
process.stdout.write(Buffer.concat(checked.output));
console.log(checked.code === 0 ? 'Type-check: no errors.' : `Type-check failed (tsc exit code ${checked.code}).`);
process.exitCode = tested.code || checked.code;
