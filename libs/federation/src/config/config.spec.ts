import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FederationErrorCode } from '../errors.js';
import { pocPrepare } from '../poc/poc-prepare.js';
import { loadClientConfig } from './client-config.js';
import { loadServerConfig } from './server-config.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-config-'));
  await pocPrepare({ dir, clients: 2, serverBin: '/bin/server', clientBin: '/bin/client' });
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function edit(path: string, change: (value: Record<string, unknown>) => Record<string, unknown>): Promise<void> {
  await writeFile(path, JSON.stringify(change(JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>)));
}

describe('server and client configs', () => {
  it('load with files read, paths resolved against the config folder and defaults filled in', async () => {
    const server = await loadServerConfig(join(dir, 'server/config.json'));
    expect(server).toMatchObject({ driver: 'grpc', host: '127.0.0.1', port: 8002, jobHost: '127.0.0.1', mutualTls: false, workspaceDir: join(dir, 'server') });
    expect(server.admin).toMatchObject({ host: '127.0.0.1', port: 8003 });
    expect([...server.clients.keys()]).toEqual(['site-1', 'site-2']);
    expect(server.tls.cert).toContain('-----BEGIN CERTIFICATE-----');
    expect(server.maxRunningJobs).toBe(2);
    const client = await loadClientConfig(join(dir, 'site-2/config.json'), { serverPort: 9000 });
    expect(client).toMatchObject({ site: 'site-2', serverPort: 9000, allowCustomCode: true, workspaceDir: join(dir, 'site-2') });
    expect(client.tls).toMatchObject({ serverName: 'localhost' });
  });

  it('name the file and the JSON path of what is wrong', async () => {
    const serverPath = join(dir, 'server/config.json');
    await edit(serverPath, (c) => ({ ...c, driver: 'carrier-pigeon' }));
    await expect(loadServerConfig(serverPath)).rejects.toMatchObject({ code: FederationErrorCode.INVALID_CONFIG, message: expect.stringContaining(`config ${serverPath}: $.driver:`) });
    await edit(serverPath, (c) => ({ ...c, driver: 'ws', clients: { 'site-1': {} } }));
    await expect(loadServerConfig(serverPath)).rejects.toMatchObject({ message: `config ${serverPath}: $.clients["site-1"].token_sha256 is required without tls.client_ca` });
    await edit(serverPath, (c) => ({ ...c, clients: { '../x': { token_sha256: 'a'.repeat(64) } } }));
    await expect(loadServerConfig(serverPath)).rejects.toMatchObject({ message: `config ${serverPath}: $.clients: "../x" is not a valid site name` });
    await edit(serverPath, (c) => ({ ...c, clients: {}, tls: { cert: 'tls/missing.crt', key: 'tls/server.key' } }));
    await expect(loadServerConfig(serverPath)).rejects.toMatchObject({ message: expect.stringContaining('tls.cert') });

    const clientPath = join(dir, 'site-1/config.json');
    await edit(clientPath, (c) => ({ ...c, server: { driver: 'grpc', host: '127.0.0.1', port: 0 } }));
    await expect(loadClientConfig(clientPath)).rejects.toMatchObject({ message: expect.stringContaining('the server port must be 1-65535 (set $.server.port or --server-port), got 0') });
    await edit(clientPath, (c) => {
      delete c['token'];
      return c;
    });
    await expect(loadClientConfig(clientPath, { serverPort: 1 })).rejects.toMatchObject({ message: expect.stringContaining('$.token is required') });
    await writeFile(clientPath, '{ nope');
    await expect(loadClientConfig(clientPath)).rejects.toMatchObject({ message: expect.stringContaining('is not JSON') });
  });
});
