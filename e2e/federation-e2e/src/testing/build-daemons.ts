import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * Jest global setup: compiles the daemons and the CLI (and the libs they use) incrementally with
 * `tsc --build`, so the processes the tests start run the current sources. Fast when dist is up to date.
 * Self-contained: global setup runs outside Jest's module resolver.
 */
export default function buildDaemons(): void {
  const root = join(import.meta.dirname, '../../../..');
  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  const projects = ['apps/server', 'apps/client', 'apps/cli'].map((app) => join(root, app, 'tsconfig.lib.json'));
  execFileSync(process.execPath, [tsc, '--build', ...projects], { cwd: root, stdio: 'inherit' });
}
