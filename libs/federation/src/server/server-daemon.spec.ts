import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isHearthError, silentLogger } from '@hearth/core';
import type { HearthError } from '@hearth/core';
import { packJobFolder } from '../bundle/job-folder-bundle.js';
import { ClientDaemon } from '../client/client-daemon.js';
import { loadClientConfig } from '../config/client-config.js';
import { loadServerConfig } from '../config/server-config.js';
import { AdminClient } from '../admin/admin-client.js';
import { FederationErrorCode } from '../errors.js';
import { openPocAdmin } from '../poc/poc-admin.js';
import { pocPrepare } from '../poc/poc-prepare.js';
import { HELLO_LINEAR_DIR } from '../testing/job-fixtures.js';
import { tlsFile } from '../testing/tls.js';
import { ServerDaemon } from './server-daemon.js';
import { readServerEndpoints } from './server-endpoints.js';

let dir: string;
let daemon: ServerDaemon | undefined;
const clients: ClientDaemon[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-server-daemon-'));
  await pocPrepare({ dir, clients: 2, port: 0, adminPort: 0, serverBin: '/unused', clientBin: '/unused', heartbeatIntervalMs: 100, deadClientGraceMs: 1000 });
  daemon = await ServerDaemon.start({ config: await loadServerConfig(join(dir, 'server/config.json')), jobProcessEntry: '/unused/job-main.js', logger: silentLogger() });
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await daemon?.close();
  await rm(dir, { recursive: true, force: true });
});

async function caught(promise: Promise<unknown>): Promise<HearthError> {
  try {
    await promise;
  } catch (err) {
    if (isHearthError(err)) return err;
    throw err;
  }
  throw new Error('expected a rejection');
}

describe('ServerDaemon with its admin endpoint', () => {
  it('with client certificates configured, takes the identity from the certificate CN and refuses a site that claims another name', async () => {
    const base = await loadServerConfig(join(dir, 'server/config.json'));
    const ca = await readFile(join(dir, 'server/tls/ca.crt'), 'utf8');
    const mutual = await ServerDaemon.start({
      config: { ...base, workspaceDir: join(dir, 'mutual'), mutualTls: true, tls: { ...base.tls, ca, requireClientCert: true } },
      jobProcessEntry: '/unused',
      logger: silentLogger(),
    });
    try {
      const asSite = async (site: string, certificate: string): Promise<ClientDaemon> => {
        const config = await loadClientConfig(join(dir, 'site-1/config.json'), { serverPort: mutual.clientPort });
        const client = new ClientDaemon({
          config: { ...config, site, token: undefined, tls: { ...config.tls, cert: tlsFile(`${certificate}.crt`), key: tlsFile(`${certificate}.key`) } },
          jobProcessEntry: '/unused',
          logger: silentLogger(),
        });
        clients.push(client);
        client.start();
        return client;
      };
      await (await asSite('site-2', 'site-2')).whenConnected();
      await expect((await asSite('site-1', 'site-2')).whenConnected()).rejects.toMatchObject({
        code: FederationErrorCode.AUTH_FAILED,
        message: expect.stringContaining('the certificate of site-2 cannot log in as site-1'),
      });
      expect(mutual.admin.clients()).toEqual([{ site: 'site-2', connected: true }]);
    } finally {
      await Promise.all(clients.splice(0).map((client) => client.close()));
      await mutual.close();
    }
  });

  it('writes its endpoints, queues a submitted job until its clients are online, lists, shows and aborts it', async () => {
    const endpoints = await readServerEndpoints(join(dir, 'server'));
    expect(endpoints).toMatchObject({ pid: process.pid, driver: 'grpc', client_port: daemon?.clientPort, admin_port: daemon?.adminPort });
    const admin = await openPocAdmin(dir);
    const job = await admin.submit(await packJobFolder(HELLO_LINEAR_DIR), { seed: 9 });
    expect(job).toMatchObject({ name: 'hello-linear', status: 'SUBMITTED', seed: 9, min_clients: 2, deploy_sites: '@ALL', rounds: [] });
    expect(await admin.listJobs()).toEqual([
      { id: job.id, name: 'hello-linear', status: 'SUBMITTED', submitted_at: job.submitted_at, finished_at: null, current_round: null, num_rounds: null },
    ]);
    expect((await admin.job(job.id)).status).toBe('SUBMITTED');
    expect((await caught(admin.result(job.id))).code).toBe(FederationErrorCode.JOB_RESULT_NOT_READY);
    const aborted = await admin.abort(job.id);
    expect(aborted).toMatchObject({ status: 'FINISHED:ABORTED', error: 'aborted by an admin' });
    expect((await caught(admin.abort(job.id))).code).toBe(FederationErrorCode.JOB_FINISHED);
    const onDisk = JSON.parse(await readFile(join(dir, 'server/jobs', job.id, 'job.json'), 'utf8')) as { status: string };
    expect(onDisk.status).toBe('FINISHED:ABORTED');
  });

  it('refuses invalid jobs with every problem, unknown ids and routes, wrong tokens and oversized bodies', async () => {
    const admin = await openPocAdmin(dir);
    const job = join(dir, 'bad-job');
    await mkdir(join(job, 'app/config'), { recursive: true });
    await writeFile(join(job, 'meta.json'), JSON.stringify({ name: 'bad', deploy_map: { app: ['@ALL'] }, min_client: 2 }));
    await writeFile(join(job, 'app/config/config_fed_server.json'), '{ "format_version": 2, "workflows": [] ');
    await writeFile(join(job, 'app/config/config_fed_client.json'), JSON.stringify({ format_version: 2, executors: [] }));
    const invalid = await caught(admin.submit(await packJobFolder(job)));
    expect(invalid.code).toBe('HEARTH_ERR_JOB_INVALID');
    expect(invalid.context['status']).toBe(400);
    const problems = invalid.context['problems'] as Array<{ file: string; path: string }>;
    expect(problems.map((p) => `${p.file} ${p.path}`)).toEqual(expect.arrayContaining(['meta.json $.min_client', 'app/config/config_fed_server.json $']));
    expect(await admin.listJobs()).toEqual([]);

    expect(await caught(admin.job('00000000-0000-0000-0000-000000000000'))).toMatchObject({ code: FederationErrorCode.JOB_NOT_FOUND, context: { status: 404 } });
    expect(await caught(admin.submit(new Uint8Array([1, 2, 3])))).toMatchObject({ code: FederationErrorCode.INVALID_BUNDLE, context: { status: 400 } });

    const raw = async (input: { readonly path: string; readonly token: string; readonly method?: string; readonly body?: Uint8Array }): Promise<{ status: number; body: string }> => {
      const ca = await readFile(join(dir, 'admin/tls/ca.crt'), 'utf8');
      return new Promise((resolve, reject) => {
        const req = request(
          { host: '127.0.0.1', port: daemon?.adminPort, path: input.path, method: input.method ?? 'GET', ca, agent: false, headers: { authorization: `Bearer ${input.token}` } },
          (res) => {
            let body = '';
            res.on('data', (chunk: Buffer) => (body += chunk.toString()));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          },
        );
        req.on('error', reject);
        req.end(input.body);
      });
    };
    const token = (JSON.parse(await readFile(join(dir, 'admin/admin.json'), 'utf8')) as { token: string }).token;
    expect(await raw({ path: '/api/v1/jobs', token: 'wrong' })).toMatchObject({ status: 401, body: expect.stringContaining(FederationErrorCode.ADMIN_UNAUTHORIZED) });
    expect(await raw({ path: '/api/v1/nothing', token })).toMatchObject({ status: 400, body: expect.stringContaining('no route for GET /api/v1/nothing') });
    expect(await raw({ path: '/api/v1/jobs?seed=x', method: 'POST', token, body: new Uint8Array(1) })).toMatchObject({ status: 400, body: expect.stringContaining('seed must be a whole number') });

    const config = await loadServerConfig(join(dir, 'server/config.json'));
    const small = await ServerDaemon.start({ config: { ...config, workspaceDir: join(dir, 'small'), maxBundleBytes: 2048 }, jobProcessEntry: '/unused', logger: silentLogger() });
    try {
      const smallAdmin = new AdminClient({ port: small.adminPort, token, ca: await readFile(join(dir, 'admin/tls/ca.crt'), 'utf8') });
      expect(await caught(smallAdmin.submit(new Uint8Array(4096)))).toMatchObject({
        code: FederationErrorCode.ADMIN_BAD_REQUEST,
        message: 'the request body is over the limit of 2048 bytes',
        context: { status: 413 },
      });
    } finally {
      await small.close();
    }
  });

  it('logs client parents in with their site token and refuses a wrong one', async () => {
    const good = new ClientDaemon({ config: await loadClientConfig(join(dir, 'site-1/config.json'), { serverPort: daemon?.clientPort ?? 0 }), jobProcessEntry: '/unused', logger: silentLogger() });
    clients.push(good);
    good.start();
    await good.whenConnected();
    const admin = await openPocAdmin(dir);
    expect(await admin.clients()).toEqual([{ site: 'site-1', connected: true }]);

    const configPath = join(dir, 'site-2/config.json');
    const config = JSON.parse(await readFile(configPath, 'utf8')) as { token: string };
    await writeFile(configPath, JSON.stringify({ ...config, token: 'not-the-token' }));
    const lost: HearthError[] = [];
    const bad = new ClientDaemon({
      config: await loadClientConfig(configPath, { serverPort: daemon?.clientPort ?? 0 }),
      jobProcessEntry: '/unused',
      logger: silentLogger(),
      onLost: (error) => lost.push(error),
    });
    clients.push(bad);
    bad.start();
    await expect(bad.whenConnected()).rejects.toMatchObject({ code: FederationErrorCode.AUTH_FAILED, message: expect.stringContaining('wrong token for site site-2') });
    expect(lost.map((e) => e.code)).toEqual([FederationErrorCode.AUTH_FAILED]);
    expect((await admin.clients()).map((c) => c.site)).toEqual(['site-1']);
  });
});
