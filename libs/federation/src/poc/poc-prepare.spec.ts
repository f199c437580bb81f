import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FederationErrorCode } from '../errors.js';
import { hashToken } from '../internal/tokens.js';
import { pocPrepare } from './poc-prepare.js';
import { pocClean, pocStatus } from './poc-processes.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-poc-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const json = async (path: string): Promise<Record<string, unknown>> => JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;

describe('pocPrepare', () => {
  it('writes a server, N clients with their own tokens, the admin token, test TLS, start scripts and a README', async () => {
    const poc = join(dir, 'poc');
    const manifest = await pocPrepare({ dir: poc, clients: 3, driver: 'ws', serverBin: '/opt/hearth-server.js', clientBin: '/opt/hearth-client.js' });
    expect(manifest).toMatchObject({ driver: 'ws', clients: ['site-1', 'site-2', 'site-3'] });
    expect((await readdir(poc)).sort()).toEqual(['README.md', 'admin', 'poc.json', 'server', 'site-1', 'site-2', 'site-3']);
    const server = await json(join(poc, 'server/config.json'));
    const clients = server['clients'] as Record<string, { token_sha256: string }>;
    const tokens = await Promise.all(['site-1', 'site-2', 'site-3'].map(async (site) => (await json(join(poc, site, 'config.json')))['token'] as string));
    expect(new Set(tokens).size).toBe(3);
    tokens.forEach((token, i) => expect(clients[`site-${i + 1}`]?.token_sha256).toBe(hashToken(token)));
    const admin = await json(join(poc, 'admin/admin.json'));
    expect((server['admin'] as { token_sha256: string }).token_sha256).toBe(hashToken(admin['token'] as string));
    expect((await stat(join(poc, 'site-1/config.json'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(poc, 'admin/admin.json'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(poc, 'server/start.sh'))).mode & 0o111).not.toBe(0);
    expect(await readFile(join(poc, 'server/start.sh'), 'utf8')).toContain('"/opt/hearth-server.js" -c config.json');
    expect(await readFile(join(poc, 'README.md'), 'utf8')).toContain('They are for local testing only');
    expect(await readdir(join(poc, 'server/tls'))).toEqual(['ca.crt', 'server.crt', 'server.key']);
    expect(await pocStatus(poc)).toEqual(['server', 'site-1', 'site-2', 'site-3'].map((name) => ({ name, pid: undefined, running: false })));
  });

  it('refuses a folder that holds files unless forced, and clean removes only POC folders', async () => {
    const poc = join(dir, 'poc');
    await pocPrepare({ dir: poc, clients: 1, serverBin: '/s', clientBin: '/c' });
    await expect(pocPrepare({ dir: poc, clients: 2, serverBin: '/s', clientBin: '/c' })).rejects.toMatchObject({ code: FederationErrorCode.POC_STATE });
    expect((await pocPrepare({ dir: poc, clients: 2, serverBin: '/s', clientBin: '/c', force: true })).clients).toEqual(['site-1', 'site-2']);
    await expect(pocClean(dir)).rejects.toMatchObject({ code: FederationErrorCode.POC_STATE, message: expect.stringContaining('is not a POC folder') });
    await pocClean(poc);
    expect(await readdir(dir)).toEqual([]);
    await expect(pocPrepare({ dir: poc, clients: 0, serverBin: '/s', clientBin: '/c' })).rejects.toMatchObject({ code: FederationErrorCode.INVALID_OPTIONS });
  });
});
