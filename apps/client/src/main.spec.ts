import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from './main.js';

let dir: string;
let stderr: string[];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-client-main-'));
  stderr = [];
  jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => stderr.push(String(chunk)) > 0);
  jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
});
afterEach(async () => {
  jest.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
});

describe('hearth-client', () => {
  it('exits 2 for usage errors: no config, a server port that is not a port', async () => {
    expect(await main(['--help'])).toBe(0);
    expect(await main([])).toBe(2);
    expect(await main(['-c', 'x.json', '--server-port', 'eighty'])).toBe(2);
    expect(stderr.join('')).toContain('--server-port must be a port number, got eighty');
  });

  it('exits 1 naming the problem when the config is not valid', async () => {
    const config = join(dir, 'config.json');
    await writeFile(config, JSON.stringify({ format_version: 1, site: 'site-1' }));
    expect(await main(['-c', config, '--server-port', '8002'])).toBe(1);
    expect(stderr.join('')).toContain(`hearth client failed to start: HEARTH_ERR_FED_INVALID_CONFIG: config ${config}: $:`);
  });
});
