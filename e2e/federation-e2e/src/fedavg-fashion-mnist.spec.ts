import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSafetensorsFile } from '@hearth/codec';
import { paramMapsEqual } from '@hearth/core';
import type { ParamMap } from '@hearth/core';
import { packJobFolder } from '@hearth/federation';
import type { DriverName } from '@hearth/federation';
import { INITIAL_MODEL_FILE, writeTemplateJob } from '@hearth/templates';
import { Deployment } from './testing/deployment.js';
import { FASHION_MNIST_SUBSET } from './testing/paths.js';
import { finalModelOf, simulatedFinalModel } from './testing/simulated-model.js';

const SEED = 7;
const ROUNDS = 2;
const SITES = ['site-1', 'site-2', 'site-3'];

let jobDir: string;
let initial: ParamMap;
let simulated: ParamMap;
let deployment: Deployment | undefined;

/** What `hearth job create --template fedavg` writes, kept small: a one-hidden-layer MLP, 3 sites, 2 rounds, the committed subset. */
beforeAll(async () => {
  jobDir = await mkdtemp(join(tmpdir(), 'hearth-e2e-fashion-mnist-'));
  await writeTemplateJob({
    template: 'fedavg',
    dir: jobDir,
    options: { clients: SITES.length, rounds: ROUNDS, model: 'mlp', hidden: [32], dataDir: FASHION_MNIST_SUBSET },
  });
  initial = (await readSafetensorsFile(join(jobDir, INITIAL_MODEL_FILE))).params;
  simulated = await simulatedFinalModel({ jobDir, clients: SITES, seed: SEED });
});
afterEach(async () => {
  await deployment?.dispose();
  deployment = undefined;
});
afterAll(async () => {
  await rm(jobDir, { recursive: true, force: true });
});

describe.each<DriverName>(['grpc', 'ws'])('a real server and three real clients over %s', (driver) => {
  it('run the FedAvg Fashion-MNIST template job (OnnxTrainer in the client job processes) to the same final model as the simulator', async () => {
    expect(paramMapsEqual(simulated, initial)).toBe(false);
    deployment = await Deployment.create({ driver, clients: SITES.length });
    await deployment.startServer();
    await deployment.startClients();
    const admin = await deployment.admin();

    const submitted = await admin.submit(await packJobFolder(jobDir), { seed: SEED });
    const job = await deployment.finished(submitted.id);
    expect(job).toMatchObject({ status: 'FINISHED:COMPLETED', error: null, participants: SITES, num_rounds: ROUNDS });
    expect(job.rounds.map((round) => [...round.clients].sort())).toEqual([SITES, SITES]);
    for (const { metrics } of job.rounds) {
      expect(metrics).toEqual(expect.objectContaining({ train_loss: expect.any(Number), val_loss: expect.any(Number), val_accuracy: expect.any(Number) }));
      expect(metrics['val_accuracy']).toBeGreaterThanOrEqual(0);
      expect(metrics['val_accuracy']).toBeLessThanOrEqual(1);
    }
    // val_accuracy is the global model entering the round: the untrained one, then the one after round 1.
    expect(job.rounds[1]?.metrics['val_accuracy']).toBeGreaterThan(job.rounds[0]?.metrics['val_accuracy'] ?? 1);

    const deployed = await finalModelOf(await admin.result(submitted.id));
    expect(paramMapsEqual(deployed, initial)).toBe(false);
    expect(paramMapsEqual(deployed, simulated)).toBe(true);
  });
});
