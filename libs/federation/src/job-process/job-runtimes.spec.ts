import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InprocDriver } from '@hearth/comm';
import { silentLogger } from '@hearth/core';
import { hashToken } from '../internal/tokens.js';
import { JobProcessExit } from '../ipc/job-messages.js';
import type { ClientJobInit, ServerJobInit } from '../ipc/job-messages.js';
import { ipcPair } from '../testing/ipc-pair.js';
import { HELLO_LINEAR_DIR } from '../testing/job-fixtures.js';
import { runClientJob } from './client-job-runtime.js';
import { runServerJob } from './server-job-runtime.js';
import { SPOOL_FOLDER } from '../transport/spool.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-job-runtime-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const PEM = '-----BEGIN NOT USED BY INPROC-----';

function serverInit(overrides: Partial<ServerJobInit> = {}): ServerJobInit {
  return {
    jobId: 'job-1',
    jobDir: HELLO_LINEAR_DIR,
    workspaceDir: join(dir, 'server'),
    logFile: join(dir, 'server.log'),
    logLevel: 'silent',
    seed: 4,
    driver: 'grpc',
    host: '127.0.0.1',
    tls: { cert: PEM, key: PEM },
    mutualTls: false,
    participants: [
      { site: 'site-1', tokenSha256: hashToken('t1') },
      { site: 'site-2', tokenSha256: hashToken('t2') },
    ],
    minClients: 2,
    startTimeoutMs: 30_000,
    heartbeatIntervalMs: 100,
    deadClientGraceMs: 2000,
    allowCustomCode: false,
    spoolAboveBytes: 1024 ** 3,
    ...overrides,
  };
}

function clientInit(site: string, port: number, overrides: Partial<ClientJobInit> = {}): ClientJobInit {
  return {
    jobId: 'job-1',
    site,
    jobDir: HELLO_LINEAR_DIR,
    workspaceDir: join(dir, site),
    logFile: join(dir, `${site}.log`),
    logLevel: 'silent',
    seed: 4,
    driver: 'grpc',
    host: '127.0.0.1',
    port,
    tls: { ca: PEM },
    token: site === 'site-1' ? 't1' : 't2',
    allowCustomCode: true,
    reconnectInitialDelayMs: 10,
    reconnectMaxDelayMs: 50,
    giveUpAfterMs: 5000,
    spoolAboveBytes: 1024 ** 3,
    ...overrides,
  };
}

function portOf(messages: unknown[]): Promise<number> {
  return new Promise((resolve) => {
    const check = (): void => {
      const listening = messages.find((m) => (m as { type: string }).type === 'listening') as { port: number } | undefined;
      if (listening === undefined) setTimeout(check, 5);
      else resolve(listening.port);
    };
    check();
  });
}

describe('server and client job runtimes (in one process, over the inproc driver)', () => {
  it('run a job: the server waits for every participant, reports rounds and the outcome, the clients end cleanly', async () => {
    const driver = new InprocDriver();
    const server = ipcPair();
    const running = runServerJob({ init: serverInit(), channel: server.child, logger: silentLogger(), driver });
    const port = await portOf(server.sentToParent);
    const clients = ['site-1', 'site-2'].map((site) => {
      const ipc = ipcPair();
      return { ipc, exit: runClientJob({ init: clientInit(site, port), channel: ipc.child, logger: silentLogger(), driver }) };
    });
    expect(await running).toBe('completed');
    expect(await Promise.all(clients.map((c) => c.exit))).toEqual([JobProcessExit.OK, JobProcessExit.OK]);
    const types = server.sentToParent.map((m) => (m as { type: string }).type);
    expect(types[0]).toBe('listening');
    const beforeRunning = server.sentToParent.slice(0, types.indexOf('running')).filter((m) => (m as { type: string }).type === 'clients');
    expect((beforeRunning.at(-1) as { clients: string[] }).clients.sort()).toEqual(['site-1', 'site-2']);
    expect(types.filter((t) => t === 'round_done')).toHaveLength(15);
    expect(server.sentToParent.at(-1)).toEqual({ type: 'finished', outcome: 'completed', error: null });
    for (const client of clients) expect(client.ipc.sentToParent.map((m) => (m as { type: string }).type)).toEqual(['joined', 'ended']);
    const metrics = JSON.parse(await readFile(join(dir, 'server/metrics.json'), 'utf8')) as { status: string; rounds: unknown[] };
    expect(metrics).toMatchObject({ status: 'completed' });
    expect(metrics.rounds).toHaveLength(15);
  });

  it('run the same job to the same final model when every task and result is spooled to disk, and leave no spool behind', async () => {
    const runIn = async (name: string, spoolAboveBytes: number): Promise<Uint8Array> => {
      const driver = new InprocDriver();
      const server = ipcPair();
      const running = runServerJob({ init: serverInit({ workspaceDir: join(dir, name, 'server'), spoolAboveBytes }), channel: server.child, logger: silentLogger(), driver });
      const port = await portOf(server.sentToParent);
      const exits = ['site-1', 'site-2'].map((site) =>
        runClientJob({ init: clientInit(site, port, { workspaceDir: join(dir, name, site), spoolAboveBytes }), channel: ipcPair().child, logger: silentLogger(), driver }),
      );
      expect(await running).toBe('completed');
      expect(await Promise.all(exits)).toEqual([JobProcessExit.OK, JobProcessExit.OK]);
      for (const workspace of ['server', 'site-1', 'site-2']) expect(existsSync(join(dir, name, workspace, SPOOL_FOLDER))).toBe(false);
      return readFile(join(dir, name, 'server/models/final.safetensors'));
    };
    const inMemory = await runIn('memory', 1024 ** 3);
    const spooled = await runIn('spooled', 0);
    expect(Buffer.compare(spooled, inMemory)).toBe(0);
  });

  it('does not start when too few participants join within the start timeout', async () => {
    const server = ipcPair();
    const outcome = await runServerJob({ init: serverInit({ startTimeoutMs: 50 }), channel: server.child, logger: silentLogger(), driver: new InprocDriver() });
    expect(outcome).toBe('not_started');
    expect(server.sentToParent.at(-1)).toEqual({
      type: 'finished',
      outcome: 'not_started',
      error: 'only 0 of the 2 participants joined within 50 ms; the job needs 2',
    });
  });

  it('aborts when the parent asks, before or while it runs, and reports the job as aborted', async () => {
    const server = ipcPair();
    const running = runServerJob({ init: serverInit(), channel: server.child, logger: silentLogger(), driver: new InprocDriver() });
    await portOf(server.sentToParent);
    await server.parent.send({ type: 'abort', reason: 'admin said so' });
    expect(await running).toBe('aborted');
    expect(server.sentToParent.at(-1)).toEqual({ type: 'finished', outcome: 'aborted', error: null });
  });

  it('reports a job that cannot be built (custom code on a server that refuses it) as not started', async () => {
    const job = join(dir, 'job');
    await cp(HELLO_LINEAR_DIR, job, { recursive: true, filter: (source) => !/node_modules|dist|out-tsc/.test(source) });
    const configPath = join(job, 'app/config/config_fed_server.json');
    const config = JSON.parse(await readFile(configPath, 'utf8')) as { components: Array<{ type: string }> };
    const aggregator = config.components[1];
    if (aggregator !== undefined) aggregator.type = '@hearth/components#SafetensorsPersistor';
    await writeFile(configPath, JSON.stringify(config));
    const server = ipcPair();
    expect(await runServerJob({ init: serverInit({ jobDir: job }), channel: server.child, logger: silentLogger(), driver: new InprocDriver() })).toBe('not_started');
    expect((server.sentToParent.at(-1) as { error: string }).error).toContain('site server does not allow custom code');
  });

  it('a client refuses custom code its policy forbids, and one with a wrong token is refused by the job', async () => {
    const driver = new InprocDriver();
    const refused = ipcPair();
    expect(await runClientJob({ init: clientInit('site-1', 1, { allowCustomCode: false }), channel: refused.child, logger: silentLogger(), driver })).toBe(JobProcessExit.FAILED);

    const server = ipcPair();
    const running = runServerJob({ init: serverInit(), channel: server.child, logger: silentLogger(), driver });
    const port = await portOf(server.sentToParent);
    const impostor = ipcPair();
    expect(await runClientJob({ init: clientInit('site-1', port, { token: 'wrong' }), channel: impostor.child, logger: silentLogger(), driver })).toBe(JobProcessExit.REFUSED);
    await server.parent.send({ type: 'abort', reason: 'done' });
    expect(await running).toBe('aborted');
  });

  it('a client stops when its parent asks, leaving the job', async () => {
    const driver = new InprocDriver();
    const server = ipcPair();
    const running = runServerJob({ init: serverInit(), channel: server.child, logger: silentLogger(), driver });
    const port = await portOf(server.sentToParent);
    const client = ipcPair();
    const exit = runClientJob({ init: clientInit('site-1', port), channel: client.child, logger: silentLogger(), driver });
    await new Promise<void>((resolve) => {
      const check = (): void => (client.sentToParent.length > 0 ? resolve() : void setTimeout(check, 5));
      check();
    });
    await client.parent.send({ type: 'stop', reason: 'client shutting down' });
    expect(await exit).toBe(JobProcessExit.OK);
    expect(client.sentToParent).toEqual([{ type: 'joined' }, { type: 'ended', status: 'stopped' }]);
    await server.parent.send({ type: 'abort', reason: 'done' });
    expect(await running).toBe('aborted');
  });
});
