import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerOptimizer } from '@hearth/algorithms';
import { buildServerApp, loadJob, validateJob } from '@hearth/job';
import type { ServerAppConfig } from '@hearth/job';
import { ScatterAndGatherScaffold } from '@hearth/workflow';
import type { CrossSiteModelEval, ScatterAndGather } from '@hearth/workflow';
import { createBuiltinRegistry } from './builtin-registry.js';

const examples = join(import.meta.dirname, '../../../examples');

describe('built-in registry', () => {
  it.each(['hello-linear', 'hello-linear-cyclic'])('accepts the %s example job', async (name) => {
    expect(await validateJob(join(examples, name), { registry: createBuiltinRegistry() })).toEqual([]);
  });

  it('builds the hello-linear server app with its workflow, aggregator and persistor', async () => {
    const registry = createBuiltinRegistry();
    const job = await loadJob(join(examples, 'hello-linear'), { registry });
    const server = job.apps.get('app')?.server;
    if (server === undefined) throw new Error('hello-linear has no server config');
    const app = await buildServerApp(server, { registry, jobDir: job.dir });
    expect([...app.components.keys()]).toEqual(['persistor', 'aggregator', 'scatter_and_gather']);
    expect(app.workflows).toHaveLength(1);
  });

  it('reports args that break a type schema with their JSON path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hearth-job-'));
    try {
      await cp(join(examples, 'hello-linear'), dir, { recursive: true, filter: (src) => !src.includes('node_modules') });
      const file = join(dir, 'app/config/config_fed_server.json');
      const config = JSON.parse(await readFile(file, 'utf8')) as { workflows: { args: Record<string, unknown> }[] };
      const workflow = config.workflows[0];
      if (workflow === undefined) throw new Error('no workflow');
      workflow.args['num_rounds'] = 'ten';
      await writeFile(file, JSON.stringify(config));
      const problems = await validateJob(dir, { registry: createBuiltinRegistry() });
      expect(problems).toEqual([
        expect.objectContaining({ file: 'app/config/config_fed_server.json', path: '$.workflows[0].args.num_rounds' }),
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('registers every built-in type', () => {
    expect(createBuiltinRegistry().types()).toEqual([
      'CrossSiteModelEval',
      'CyclicController',
      'ExcludeVars',
      'MetricsWriter',
      'OnnxTrainer',
      'SafetensorsPersistor',
      'ScatterAndGather',
      'ScatterAndGatherScaffold',
      'ServerOptimizer',
      'WeightedAggregator',
    ]);
  });

  describe('server-side algorithms', () => {
    const base = [
      { id: 'persistor', type: 'SafetensorsPersistor', args: { initial_params: { w: { shape: [2] } } } },
      { id: 'aggregator', type: 'WeightedAggregator', args: {} },
    ];

    async function build(config: { components: object[]; workflows: object[] }) {
      return buildServerApp({ format_version: 2, ...config } as ServerAppConfig, { registry: createBuiltinRegistry(), jobDir: tmpdir() });
    }

    it('builds FedOpt, SCAFFOLD and cross-site evaluation from snake_case args, durations in seconds', async () => {
      const app = await build({
        components: [...base, { id: 'optimizer', type: 'ServerOptimizer', args: { optimizer: 'yogi', learning_rate: 0.05, beta1: 0.5, tau: 0.01 } }],
        workflows: [
          {
            id: 'fedopt',
            type: 'ScatterAndGather',
            args: { num_rounds: 3, wait_time_after_min_received: 2.5, model_updater_id: 'optimizer', best_metric: 'val_accuracy' },
          },
          {
            id: 'scaffold',
            type: 'ScatterAndGatherScaffold',
            args: { min_clients: 2, global_learning_rate: 0.5, best_metric: 'val_loss', best_mode: 'min', ignore_result_error: true },
          },
          {
            id: 'cross_site',
            type: 'CrossSiteModelEval',
            args: { validation_timeout: 30, submit_model_timeout: 1.5, model_locator_id: 'persistor', server_model_name: 'best', participating_clients: ['site-1'] },
          },
        ],
      });
      expect((app.components.get('optimizer') as ServerOptimizer).options).toEqual({
        optimizer: 'yogi',
        learningRate: 0.05,
        momentum: 0,
        beta1: 0.5,
        beta2: 0.99,
        tau: 0.01,
        initialAccumulator: 0.0001,
      });
      expect((app.components.get('fedopt') as ScatterAndGather).args).toMatchObject({
        numRounds: 3,
        waitTimeAfterMinReceivedMs: 2500,
        modelUpdaterId: 'optimizer',
        bestMetric: 'val_accuracy',
        bestMode: 'max',
        ignoreResultError: false,
      });
      const scaffold = app.components.get('scaffold') as ScatterAndGatherScaffold;
      expect(scaffold).toBeInstanceOf(ScatterAndGatherScaffold);
      expect(scaffold.globalLearningRate).toBe(0.5);
      expect(scaffold.args).toMatchObject({ minClients: 2, bestMetric: 'val_loss', bestMode: 'min', modelUpdaterId: undefined, ignoreResultError: true });
      expect((app.components.get('cross_site') as CrossSiteModelEval).args).toEqual({
        submitModelTaskName: 'submit_model',
        validationTaskName: 'validate',
        submitModelTimeoutMs: 1500,
        validationTimeoutMs: 30_000,
        participatingClients: ['site-1'],
        modelLocatorId: 'persistor',
        serverModelName: 'best',
        resultsDir: 'cross_site_val',
      });
      expect(app.workflows).toHaveLength(3);
    });

    it.each([
      ['an unknown optimizer', { optimizer: 'lion' }, '$.components[2].args.optimizer'],
      ['a momentum of 1', { momentum: 1 }, '$.components[2].args.momentum'],
      ['an unknown arg', { lr: 0.1 }, '$.components[2].args.lr'],
    ])('reports ServerOptimizer args with %s at their JSON path', async (_name, args, path) => {
      const workflows = [{ id: 'sag', type: 'ScatterAndGather', args: { model_updater_id: 'optimizer' } }];
      const config = { components: [...base, { id: 'optimizer', type: 'ServerOptimizer', args }], workflows };
      await expect(build(config)).rejects.toMatchObject({ problems: [expect.objectContaining({ path })] });
    });

    it('reports a bad best_mode and a model_updater_id that names no component', async () => {
      const badMode = { components: base, workflows: [{ id: 'sag', type: 'ScatterAndGather', args: { best_mode: 'median' } }] };
      await expect(build(badMode)).rejects.toMatchObject({ problems: [expect.objectContaining({ path: '$.workflows[0].args.best_mode' })] });
      const unknown = { components: base, workflows: [{ id: 'sag', type: 'ScatterAndGatherScaffold', args: { model_updater_id: 'nope' } }] };
      await expect(build(unknown)).rejects.toMatchObject({ problems: [expect.objectContaining({ path: '$.workflows[0].args.model_updater_id' })] });
    });
  });
});
