/**
 * Starts the bundled plugin with V8's code cache (`node launch.js <plugin.js> <provider>`):
 * the first process stores the compiled code beside the bundle, later ones skip most
 * of the compiling, about a fifth of a plugin's start-up. Terraform starts several
 * plugin processes per command, dozens per test run. Node 20 has no built-in compile
 * cache for CommonJS (module.enableCompileCache came with Node 22), so this uses
 * vm.Script's cachedData, the public API for it.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import * as path from 'node:path';
import { Script } from 'node:vm';

const [, , file] = process.argv;
const cacheFile = `${file}.v8-cache`;
const cachedData = existsSync(cacheFile) ? readFileSync(cacheFile) : undefined;
const script = new Script(Module.wrap(readFileSync(file, 'utf8')), { filename: file, cachedData });
// The plugin sees its own arguments as if started directly.
process.argv.splice(1, 1);
const pluginExports = {};
const pluginModule = { exports: pluginExports, filename: file, id: file };
script.runInThisContext()(pluginExports, require, pluginModule, file, path.dirname(file));
if (!cachedData || script.cachedDataRejected) {
  const partial = `${cacheFile}.${process.pid}`;
  writeFileSync(partial, script.createCachedData());
  renameSync(partial, cacheFile);
}
