/**
 * Dependencies point down, and the product uses only the public API of cdktf (its
 * `cdktf/lib/...` modules are private and change without notice; they also differ in
 * CDK Terrain, cdktf's maintained fork).
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const SKIPPED = new Set(['node_modules', '.gen', '.git', '__tests__', 'cdktf.out', 'dist']);
const IMPORT = /(?:from\s+|require\(|import\()\s*'([^']+)'/g;

function productFiles(directory = ROOT): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) return SKIPPED.has(entry.name) ? [] : productFiles(full);
    return /\.(ts|[cm]?js)$/.test(entry.name) && !entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

/** Every file's imports: packages by name, the project's own modules as paths from the project root. */
const imports = productFiles().map((file) => {
  const targets = [...readFileSync(file, 'utf8').matchAll(IMPORT)].map(([, target]) => target);
  return {
    file: path.relative(ROOT, file),
    packages: targets.filter((target) => !target.startsWith('.')),
    modules: targets.filter((target) => target.startsWith('.')).map((target) => path.relative(ROOT, path.resolve(path.dirname(file), target))),
  };
});

function importsFrom(layer: string, forbidden: readonly string[]): string[] {
  return imports
    .filter(({ file }) => file.startsWith(`${layer}/`))
    .flatMap(({ file, modules }) =>
      modules.filter((module) => forbidden.some((other) => module === other || module.startsWith(`${other}/`))).map((module) => `${file} -> ${module}`),
    );
}

describe('dependencies', () => {
  it('finds the product files', () => {
    expect(imports.map(({ file }) => file)).toEqual(expect.arrayContaining(['main.ts', 'config/formats.ts', 'policies/check.ts']));
  });

  it('never reach into cdktf private modules', () => {
    const privateImports = imports.flatMap(({ file, packages }) => packages.filter((name) => name.startsWith('cdktf/')).map((name) => `${file} -> ${name}`));
    expect(privateImports).toEqual([]);
  });

  it.each([
    ['conventions', ['config', 'constructs', 'monitoring', 'policies', 'stacks']],
    ['config', ['constructs', 'monitoring', 'policies', 'stacks']],
    ['monitoring', ['constructs', 'policies', 'stacks']],
    ['policies', ['config', 'constructs', 'monitoring', 'stacks']],
  ])('point down from %s/', (layer, above) => {
    expect(importsFrom(layer, above)).toEqual([]);
  });
});
