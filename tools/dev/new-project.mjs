#!/usr/bin/env node
/**
 * Creates the skeleton of a workspace project so every project is laid out the same way.
 * Usage: node tools/dev/new-project.mjs <libs|apps|examples>/<name> --tag type:feature [--deps core,codec] [--pkgs pino,ws]
 * Run `npx nx sync` afterwards to update TypeScript project references.
 */
import { mkdirSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { join, basename } from 'node:path';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { tag: { type: 'string' }, deps: { type: 'string', default: '' }, pkgs: { type: 'string', default: '' } },
});
const dir = positionals[0];
if (!dir || !values.tag) {
  console.error('usage: new-project.mjs <libs|apps|examples>/<name> --tag type:feature [--deps a,b] [--pkgs x,y]');
  process.exit(2);
}
if (existsSync(join(dir, 'package.json'))) {
  console.error(`${dir} already exists`);
  process.exit(1);
}
const name = basename(dir);
const pkgName = dir.startsWith('examples/') ? `@hearth/example-${name}` : `@hearth/${name}`;
const root = JSON.parse(readFileSync('package.json', 'utf8'));
const versionOf = (p) => root.dependencies?.[p] ?? root.devDependencies?.[p];
const dependencies = {};
for (const d of values.deps.split(',').filter(Boolean)) dependencies[`@hearth/${d}`] = '*';
for (const p of values.pkgs.split(',').filter(Boolean)) {
  const v = versionOf(p);
  if (!v) throw new Error(`${p} is not in the root package.json; add it there first`);
  dependencies[p] = v;
}
const write = (file, content) => {
  mkdirSync(join(dir, file, '..'), { recursive: true });
  writeFileSync(join(dir, file), typeof content === 'string' ? content : JSON.stringify(content, null, 2) + '\n');
};
write('package.json', {
  name: pkgName,
  version: '0.1.0',
  private: true,
  type: 'module',
  exports: {
    '.': { '@hearth/source': './src/index.ts', types: './dist/index.d.ts', import: './dist/index.js', default: './dist/index.js' },
    './package.json': './package.json',
  },
  dependencies,
  nx: { tags: [values.tag] },
});
write('tsconfig.json', { extends: '../../tsconfig.base.json', files: [], include: [], references: [{ path: './tsconfig.lib.json' }, { path: './tsconfig.spec.json' }] });
write('tsconfig.lib.json', {
  extends: '../../tsconfig.base.json',
  compilerOptions: { rootDir: 'src', outDir: 'dist', tsBuildInfoFile: 'dist/tsconfig.lib.tsbuildinfo', types: ['node'] },
  include: ['src/**/*.ts'],
  exclude: ['src/**/*.spec.ts'],
  references: [],
});
write('tsconfig.spec.json', {
  extends: '../../tsconfig.base.json',
  compilerOptions: { outDir: './out-tsc/jest', types: ['jest', 'node'] },
  include: ['src/**/*.ts'],
  references: [{ path: './tsconfig.lib.json' }],
});
write('jest.config.js', `export default {\n  displayName: '${pkgName}',\n  preset: '../../jest.preset.js',\n  rootDir: import.meta.dirname,\n};\n`);
write('eslint.config.mjs', `import base from '../../eslint.config.mjs';\n\nexport default [...base];\n`);
if (!existsSync(join(dir, 'src/index.ts'))) write('src/index.ts', `export {};\n`);
console.log(`created ${pkgName} in ${dir}`);
