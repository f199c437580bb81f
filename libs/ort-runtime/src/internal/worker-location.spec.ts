import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { locateWorkerEntry } from './worker-location.js';

describe('locateWorkerEntry', () => {
  const saved = process.env['SWC_NODE_PROJECT'];
  afterEach(() => {
    if (saved === undefined) delete process.env['SWC_NODE_PROJECT'];
    else process.env['SWC_NODE_PROJECT'] = saved;
  });

  it('loads the TypeScript entry through @swc-node/register when running from sources', () => {
    delete process.env['SWC_NODE_PROJECT'];
    const location = locateWorkerEntry();
    expect(location.url.pathname.endsWith('/src/internal/worker-entry.ts')).toBe(true);
    expect(existsSync(fileURLToPath(location.url))).toBe(true);
    const importArg = location.execArgv?.[location.execArgv.indexOf('--import') + 1] ?? '';
    expect(decodeURIComponent(importArg)).toMatch(/^data:text\/javascript,import \{ register \} from 'node:module'; register\('@swc-node\/register\/esm', "file:.*worker-location\.ts"\);$/);
    const project = location.env?.['SWC_NODE_PROJECT'] ?? '';
    expect(project.endsWith('libs/ort-runtime/tsconfig.lib.json')).toBe(true);
    expect(existsSync(project)).toBe(true);
  });

  it('keeps a tsconfig the caller chose', () => {
    process.env['SWC_NODE_PROJECT'] = '/somewhere/tsconfig.json';
    expect(locateWorkerEntry().env).toBeUndefined();
  });
});
