import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packJobFolder } from '@hearth/federation';
import type { AdminClient } from '@hearth/federation';
import { Deployment, eventually } from './testing/deployment.js';
import { gatedJob } from './testing/gated-job.js';
import type { GatedJobOptions } from './testing/gated-job.js';
import { HELLO_LINEAR } from './testing/paths.js';
import { childrenOf, isAlive } from './testing/process-tree.js';

let deployment: Deployment;
let admin: AdminClient;
let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'hearth-e2e-jobs-'));
  deployment = await Deployment.create({ driver: 'grpc', clients: 3 });
  await deployment.startServer();
  await deployment.startClients();
  admin = await deployment.admin();
});

afterAll(async () => {
  await deployment.dispose();
  await rm(root, { recursive: true, force: true });
});

async function submitGated(options: Omit<GatedJobOptions, 'root'>): Promise<{ id: string; open: (round: number) => Promise<void> }> {
  const job = await gatedJob({ root, ...options });
  const submitted = await admin.submit(await packJobFolder(job.dir));
  return { id: submitted.id, open: job.open };
}

/** Resolves once no client daemon has a job process left. */
function clientJobProcessesGone(): Promise<true> {
  return eventually('every client job process to exit', () => (deployment.sites.every((site) => childrenOf(deployment.pid(site)).length === 0) ? true : undefined));
}

describe('faults in a real deployment (grpc, three clients)', () => {
  it('a client killed mid-round: the round completes with the others, and the restarted client rejoins for later rounds', async () => {
    const job = await submitGated({ gatedRounds: [1, 2] });
    await deployment.jobWhere(job.id, 'round 1 to start', (j) => j.current_round === 1);
    const killed = await deployment.crash('site-3');
    expect(killed.signal).toBe('SIGKILL');
    await job.open(1);
    const afterRound1 = await deployment.jobWhere(job.id, 'round 1 to finish', (j) => j.rounds.length >= 2);
    expect([...(afterRound1.rounds[1]?.clients ?? [])].sort()).toEqual(['site-1', 'site-2']);
    expect(afterRound1.current_round).toBe(2);

    await deployment.startClients(['site-3']);
    await deployment.jobWhere(job.id, 'site-3 to rejoin the job', (j) => j.clients.includes('site-3'));
    await job.open(2);
    const done = await deployment.finished(job.id);
    expect(done.status).toBe('FINISHED:COMPLETED');
    expect(done.rounds.map((r) => [...r.clients].sort().join())).toEqual(['site-1,site-2,site-3', 'site-1,site-2', 'site-1,site-2,site-3', 'site-1,site-2,site-3']);
    await clientJobProcessesGone();
  });

  it('when min_clients no longer allows the round, its task ends (client_dead) and the job fails cleanly', async () => {
    const job = await submitGated({ gatedRounds: [0], minClients: 3 });
    await deployment.jobWhere(job.id, 'round 0 to start', (j) => j.status === 'RUNNING' && j.current_round === 0);
    await deployment.crash('site-3');
    const done = await deployment.finished(job.id);
    expect(done.status).toBe('FINISHED:EXECUTION_EXCEPTION');
    expect(done.error).toContain('round 0 ended (client_dead) without an accepted contribution');
    await eventually('the other client job processes to exit', () => (['site-1', 'site-2'].every((site) => childrenOf(deployment.pid(site)).length === 0) ? true : undefined));
    expect(childrenOf(deployment.pid('server'))).toEqual([]);
    await deployment.startClients(['site-3']);
  });

  it('a crashing server job process marks the job FINISHED:ABNORMAL and the daemons keep serving', async () => {
    const job = await submitGated({ gatedRounds: [1] });
    await deployment.jobWhere(job.id, 'round 1 to start', (j) => j.current_round === 1);
    const serverJobs = childrenOf(deployment.pid('server'));
    expect(serverJobs).toHaveLength(1);
    process.kill(serverJobs[0] ?? 0, 'SIGKILL');
    const done = await deployment.finished(job.id);
    expect(done).toMatchObject({ status: 'FINISHED:ABNORMAL', error: 'the server job process was killed by SIGKILL' });
    await clientJobProcessesGone();

    const next = await admin.submit(await packJobFolder(HELLO_LINEAR), { seed: 1 });
    expect((await deployment.finished(next.id)).status).toBe('FINISHED:COMPLETED');
  });

  it('a crashing client job process marks the job FINISHED:ABNORMAL and the daemons keep serving', async () => {
    const job = await submitGated({ gatedRounds: [1] });
    await deployment.jobWhere(job.id, 'round 1 to start', (j) => j.current_round === 1);
    const clientJobs = childrenOf(deployment.pid('site-2'));
    expect(clientJobs).toHaveLength(1);
    process.kill(clientJobs[0] ?? 0, 'SIGKILL');
    const done = await deployment.finished(job.id);
    expect(done.status).toBe('FINISHED:ABNORMAL');
    expect(done.error).toBe('the client job process of site-2 was killed by SIGKILL');
    await clientJobProcessesGone();
    expect(childrenOf(deployment.pid('server'))).toEqual([]);
    expect((await admin.clients()).map((c) => c.site).sort()).toEqual(['site-1', 'site-2', 'site-3']);
  });

  it('SIGTERM on the daemons with a job running: every daemon exits 0, no process is left, the job is recorded as aborted', async () => {
    const job = await submitGated({ gatedRounds: [1] });
    await deployment.jobWhere(job.id, 'round 1 to start', (j) => j.current_round === 1);
    const processes = deployment.processes();
    expect(processes).toHaveLength(8);
    const exits = await deployment.terminate();
    expect([...exits]).toEqual(['server', 'site-1', 'site-2', 'site-3'].map((name) => [name, { code: 0, signal: null }]));
    expect(processes.filter(isAlive)).toEqual([]);
    const record = JSON.parse(await readFile(join(deployment.dir, 'server/jobs', job.id, 'job.json'), 'utf8')) as { status: string; error: string };
    expect(record).toMatchObject({ status: 'FINISHED:ABORTED' });
  });
});
