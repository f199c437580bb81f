import { paramMapsEqual } from '@hearth/core';
import { packJobFolder } from '@hearth/federation';
import { Deployment } from './testing/deployment.js';
import { HELLO_LINEAR } from './testing/paths.js';
import { isAlive } from './testing/process-tree.js';
import { finalModelOf, simulatedFinalModel } from './testing/simulated-model.js';

const SEED = 11;

let deployment: Deployment | undefined;
afterEach(async () => {
  await deployment?.dispose();
  deployment = undefined;
});

describe('a real server and three real clients over grpc', () => {
  it('run FedAvg on hello-linear to the same final model as the simulator, then stop cleanly on SIGTERM', async () => {
    deployment = await Deployment.create({ driver: 'grpc', clients: 3 });
    await deployment.startServer();
    await deployment.startClients();
    const admin = await deployment.admin();

    const submitted = await admin.submit(await packJobFolder(HELLO_LINEAR), { seed: SEED });
    expect(submitted.status).toBe('SUBMITTED');
    const job = await deployment.finished(submitted.id);
    expect(job).toMatchObject({ status: 'FINISHED:COMPLETED', error: null, participants: ['site-1', 'site-2', 'site-3'], num_rounds: 15 });
    expect(job.rounds).toHaveLength(15);
    expect(job.rounds.every((round) => [...round.clients].sort().join() === 'site-1,site-2,site-3')).toBe(true);
    expect((await admin.listJobs()).map((j) => [j.id, j.status])).toEqual([[submitted.id, 'FINISHED:COMPLETED']]);

    const deployed = await finalModelOf(await admin.result(submitted.id));
    const simulated = await simulatedFinalModel({ jobDir: HELLO_LINEAR, clients: deployment.sites, seed: SEED });
    expect(paramMapsEqual(deployed, simulated)).toBe(true);

    const processes = deployment.processes();
    expect(processes.length).toBeGreaterThanOrEqual(4);
    const exits = await deployment.terminate();
    expect([...exits]).toEqual(['server', ...deployment.sites].map((name) => [name, { code: 0, signal: null }]));
    expect(processes.filter(isAlive)).toEqual([]);
  });
});
