import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSafetensorsFile } from '@hearth/codec';
import { createBuiltinRegistry } from '@hearth/components';
import { isHearthError, paramMapsEqual } from '@hearth/core';
import { FASHION_MNIST_SUBSET_DIR } from '@hearth/data';
import { JobErrorCode, loadJob, validateJob } from '@hearth/job';
import type { JobApp } from '@hearth/job';
import { mlp } from '@hearth/onnx-train';
import { simulateJob, simulatedSiteNames } from '@hearth/runner';
import { TemplatesErrorCode } from './errors.js';
import { TEMPLATE_NAMES } from './template-names.js';
import { templateJob } from './template-job.js';
import { writeTemplateJob } from './write-template-job.js';

const examples = join(import.meta.dirname, '../../../examples');
const registry = createBuiltinRegistry();

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-templates-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function thrown(run: () => unknown): Promise<unknown> {
  try {
    await run();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

function app(job: { readonly apps: ReadonlyMap<string, JobApp> }): JobApp {
  const found = job.apps.get('app');
  if (found === undefined) throw new Error('no app "app"');
  return found;
}

/** An app config without its empty lists: the builder writes `task_data_filters: []` where a person leaves the key out. */
function withoutEmptyLists(config: object | undefined): Record<string, unknown> {
  return Object.fromEntries(Object.entries(config ?? {}).filter(([, value]) => !(Array.isArray(value) && value.length === 0)));
}

/** The trainer args of a loaded job's client config. */
function trainerArgs(job: { readonly apps: ReadonlyMap<string, JobApp> }): Record<string, unknown> {
  return app(job).client?.executors[0]?.executor.args ?? {};
}

describe('templateJob', () => {
  it.each(TEMPLATE_NAMES)('%s writes a folder that validateJob accepts with the built-in registry', async (template) => {
    const jobDir = join(dir, template);
    await writeTemplateJob({ template, dir: jobDir });
    expect(await validateJob(jobDir, { registry })).toEqual([]);
    expect((await readdir(jobDir, { recursive: true })).sort()).toEqual(
      ['README.md', 'app', 'app/config', 'app/config/config_fed_client.json', 'app/config/config_fed_server.json', 'meta.json', 'models', 'models/initial.safetensors'].sort(),
    );
    expect(await readFile(join(jobDir, 'README.md'), 'utf8')).toContain(`npx hearth simulate ${jobDir} -n 8 -t 2 -w workspace/${template}-fashion-mnist`);
  }, 30_000);

  it('with its defaults, fedavg is examples/fedavg-fashion-mnist: same meta, configs and initial model bytes', async () => {
    const jobDir = join(dir, 'fedavg');
    await writeTemplateJob({ template: 'fedavg', dir: jobDir });
    const example = join(examples, 'fedavg-fashion-mnist');
    const [ours, theirs] = await Promise.all([loadJob(jobDir, { registry }), loadJob(example, { registry })]);
    expect(ours.meta).toEqual({ ...theirs.meta, name: 'fedavg-fashion-mnist' });
    expect(withoutEmptyLists(app(ours).server)).toEqual(withoutEmptyLists(app(theirs).server));
    const client = withoutEmptyLists(app(ours).client);
    expect(JSON.stringify(client)).toContain('"type":"OnnxTrainer"');
    // The example names the same executor through its package, as jobs had to before the type was registered.
    expect(JSON.parse(JSON.stringify(client).replace('"type":"OnnxTrainer"', '"type":"@hearth/training#OnnxTrainer"'))).toEqual(withoutEmptyLists(app(theirs).client));
    const model = 'models/initial.safetensors';
    expect(Buffer.compare(await readFile(join(jobDir, model)), await readFile(join(example, model)))).toBe(0);
  }, 30_000);

  it('wires each algorithm: FedProx mu, FedOpt server optimizer with updates, SCAFFOLD workflow, cyclic controller', async () => {
    const load = async (template: string, options = {}): Promise<Awaited<ReturnType<typeof loadJob>>> => {
      const jobDir = join(dir, template);
      await writeTemplateJob({ template, dir: jobDir, options });
      return loadJob(jobDir, { registry });
    };
    const fedprox = await load('fedprox', { fedproxMu: 0.1 });
    expect(trainerArgs(fedprox)).toEqual(expect.objectContaining({ fedprox_mu: 0.1 }));

    const fedopt = await load('fedopt', { serverOptimizer: { optimizer: 'adam', learningRate: 0.003 } });
    const fedoptServer = app(fedopt).server;
    expect(fedoptServer?.components).toContainEqual(expect.objectContaining({ id: 'optimizer', type: 'ServerOptimizer', args: expect.objectContaining({ optimizer: 'adam', learning_rate: 0.003 }) }));
    expect(fedoptServer?.components).toContainEqual(expect.objectContaining({ id: 'aggregator', args: { expected_data_kind: 'WEIGHT_DIFF' } }));
    expect(fedoptServer?.workflows[0]?.args).toEqual(expect.objectContaining({ model_updater_id: 'optimizer' }));
    expect(trainerArgs(fedopt)).toEqual(expect.objectContaining({ return_kind: 'weight_diff' }));
    expect(trainerArgs(fedopt)).not.toHaveProperty('fedprox_mu');

    const scaffold = await load('scaffold', { globalLearningRate: 0.5 });
    expect(app(scaffold).server?.workflows[0]).toEqual(expect.objectContaining({ type: 'ScatterAndGatherScaffold', args: expect.objectContaining({ global_learning_rate: 0.5 }) }));
    expect(trainerArgs(scaffold)).toEqual(expect.objectContaining({ return_kind: 'weight_diff', optimizer: { type: 'sgd', momentum: 0 }, lr: 0.05 }));

    const cyclic = await load('cyclic', { rounds: 3, clients: 4 });
    expect(app(cyclic).server?.workflows[0]).toEqual(expect.objectContaining({ type: 'CyclicController', args: expect.objectContaining({ num_rounds: 3 }) }));
    expect(cyclic.meta.min_clients).toBe(4);
  }, 60_000);

  it('passes the options through: clients, alpha, rounds, epochs, model, lr, seed, data folder and test split', async () => {
    const jobDir = join(dir, 'job');
    const options = { name: 'x', clients: 3, alpha: 0.1, rounds: 7, localEpochs: 2, model: 'mlp', hidden: [32, 16], lr: 0.1, momentum: 0.5, batchSize: 64, seed: 4, dataDir: FASHION_MNIST_SUBSET_DIR, testSplit: 'full' } as const;
    await writeTemplateJob({ template: 'fedavg', dir: jobDir, options });
    const job = await loadJob(jobDir, { registry });
    expect(job.meta).toEqual({ name: 'x', deploy_map: { app: ['@ALL'] }, min_clients: 3 });
    expect(app(job).server?.workflows[0]?.args).toEqual(expect.objectContaining({ min_clients: 3, num_rounds: 7 }));
    expect(trainerArgs(job)).toEqual(
      expect.objectContaining({
        model: { builtin: 'mlp', hidden: [32, 16], seed: 4 },
        dataset: expect.objectContaining({ dir: FASHION_MNIST_SUBSET_DIR, partition: { kind: 'dirichlet', alpha: 0.1, seed: 4 }, num_clients: 3, test_split: 'full' }),
        local_epochs: 2,
        batch_size: 64,
        lr: 0.1,
        optimizer: { type: 'sgd', momentum: 0.5 },
      }),
    );
    const { params, metadata } = await readSafetensorsFile(join(jobDir, 'models/initial.safetensors'));
    expect(paramMapsEqual(params, mlp({ features: 784, hidden: [32, 16], outputs: 10, seed: 4 }).params)).toBe(true);
    expect(metadata).toEqual({ format: 'pt', model: 'mlp', seed: '4', hidden: '32,16' });
  }, 30_000);

  it('writes the initial model deterministically from the seed', () => {
    const bytes = (seed: number): Uint8Array => {
      const files = templateJob({ template: 'fedopt', options: { model: 'mlp', hidden: [8], seed } }).builder.toFiles();
      return files.get('models/initial.safetensors') as Uint8Array;
    };
    expect(Buffer.compare(bytes(3), bytes(3))).toBe(0);
    expect(Buffer.compare(bytes(3), bytes(4))).not.toBe(0);
  });

  it('names the choices for an unknown template and the option for a bad one, before writing anything', async () => {
    const unknown = await thrown(() => writeTemplateJob({ template: 'fedsgd', dir: join(dir, 'a') }));
    expect(isHearthError(unknown, TemplatesErrorCode.UNKNOWN_TEMPLATE)).toBe(true);
    expect((unknown as Error).message).toBe('unknown template "fedsgd"; choose one of fedavg, fedprox, fedopt, scaffold, cyclic');
    const cases: Array<[string, Record<string, unknown>, RegExp]> = [
      ['fedavg', { clients: 0 }, /clients must be a whole number >= 1, got 0/],
      ['fedavg', { alpha: -1 }, /alpha must be a finite number > 0, got -1/],
      ['fedavg', { rounds: 1.5 }, /rounds must be a whole number >= 1, got 1.5/],
      ['fedavg', { model: 'resnet' }, /model must be one of fashion_mnist_cnn, mlp, logistic_regression, got "resnet"/],
      ['fedavg', { hidden: [16] }, /hidden applies to the mlp model only/],
      ['fedavg', { model: 'mlp', hidden: [] }, /hidden must list at least one layer width/],
      ['fedavg', { momentum: 1 }, /momentum must be a number in \[0, 1\), got 1/],
      ['fedavg', { fedproxMu: 0.1 }, /fedproxMu applies to the fedprox template only, not fedavg/],
      ['scaffold', { serverOptimizer: { optimizer: 'adam' } }, /serverOptimizer applies to the fedopt template only, not scaffold/],
      ['fedopt', { serverOptimizer: { optimizer: 'adam', beta1: 2 } }, /serverOptimizer is invalid: .*beta1/],
    ];
    for (const [template, options, message] of cases) {
      const err = await thrown(() => writeTemplateJob({ template, dir: join(dir, 'b'), options }));
      expect(isHearthError(err, TemplatesErrorCode.INVALID_OPTIONS)).toBe(true);
      expect((err as Error).message).toMatch(message);
    }
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses a folder that holds files unless overwrite is set', async () => {
    await writeFile(join(dir, 'notes.txt'), 'keep me');
    const err = await thrown(() => writeTemplateJob({ template: 'fedavg', dir }));
    expect(isHearthError(err, JobErrorCode.JOB_DIR_NOT_EMPTY)).toBe(true);
    await writeTemplateJob({ template: 'fedavg', dir, overwrite: true });
    expect(await validateJob(dir, { registry })).toEqual([]);
    expect(await readFile(join(dir, 'notes.txt'), 'utf8')).toBe('keep me');
  }, 30_000);
});

describe('template jobs in the simulator (committed subset, tiny MLP, 2 clients)', () => {
  it.each(TEMPLATE_NAMES)('%s runs its rounds and the model learns', async (template) => {
    const jobDir = join(dir, 'job');
    const options = { clients: 2, rounds: 2, model: 'mlp', hidden: [16], lr: 0.05, dataDir: FASHION_MNIST_SUBSET_DIR } as const;
    await writeTemplateJob({ template, dir: jobDir, options });
    const result = await simulateJob({ jobDir, clients: simulatedSiteNames(2), threads: 2, workspaceDir: join(dir, 'ws'), seed: 1 });
    expect(result.status).toBe('completed');
    expect(result.rounds).toHaveLength(2);
    const { params } = await readSafetensorsFile(result.modelPath ?? '');
    expect(paramMapsEqual(params, mlp({ features: 784, hidden: [16], outputs: 10, seed: 0 }).params)).toBe(false);
    if (template !== 'cyclic') {
      const accuracy = result.rounds.map((r) => r.metrics['val_accuracy'] ?? NaN);
      expect(accuracy[1]).toBeGreaterThan((accuracy[0] ?? 1) + 0.2);
    }
  }, 60_000);
});
