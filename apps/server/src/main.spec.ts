import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from './main.js';

let dir: string;
let stderr: string[];
let stdout: string[];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-server-main-'));
  stderr = [];
  stdout = [];
  jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => stderr.push(String(chunk)) > 0);
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => stdout.push(String(chunk)) > 0);
});
afterEach(async () => {
  jest.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
});

describe('hearth-server', () => {
  it('prints its usage for --help and exits 2 without a config or with an unknown flag', async () => {
    expect(await main(['--help'])).toBe(0);
    expect(stdout.join('')).toBe('usage: hearth-server -c <config.json>\n');
    expect(await main([])).toBe(2);
    expect(await main(['--bogus'])).toBe(2);
    expect(stderr.join('')).toContain("Unknown option '--bogus'");
  });

  it('exits 1 naming the problem when the config is not valid', async () => {
    const config = join(dir, 'config.json');
    await writeFile(config, JSON.stringify({ format_version: 1, driver: 'smoke-signals' }));
    expect(await main(['-c', config])).toBe(1);
    expect(stderr.join('')).toContain(`hearth server failed to start: HEARTH_ERR_FED_INVALID_CONFIG: config ${config}: $: must have required properties host, port, tls, admin, clients`);
  });
});
