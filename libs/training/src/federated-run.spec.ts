import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rm } from 'node:fs/promises';
import { ContextKey, DataKind, Dxo, EventType, FLComponent, ModelPersistor, paramMapsEqual } from '@hearth/core';
import type { EventTypeValue, FLContext, ParamMap } from '@hearth/core';
import { WeightedAggregator } from '@hearth/algorithms';
import { decodeShareable, encodeShareable } from '@hearth/codec';
import { FASHION_MNIST_SUBSET_DIR } from '@hearth/data';
import { Simulator } from '@hearth/engine';
import type { ClientApp } from '@hearth/engine';
import { mlp } from '@hearth/onnx-train';
import { ScatterAndGather, ScatterAndGatherScaffold, WorkflowContextKey } from '@hearth/workflow';
import type { RoundSummary } from '@hearth/workflow';
import { OnnxTrainer } from './onnx-trainer.js';
import { TrainerPool } from './trainer-pool.js';

/** The server's model store for this spec: the MLP's seeded initial weights in, the final model kept. */
class InitialMlpPersistor extends ModelPersistor {
  final: ParamMap | undefined;

  override load(): Promise<Dxo> {
    return Promise.resolve(new Dxo({ kind: DataKind.WEIGHTS, params: mlp({ features: 784, hidden: [16], outputs: 10, seed: 5 }).params }));
  }

  override save(model: Dxo, tag: string): Promise<void> {
    if (tag === 'final') this.final = model.requireParams();
    return Promise.resolve();
  }
}

/** Sets the run seed at START_RUN, as the runner's RunProps does. */
class Seed extends FLComponent {
  constructor(readonly seed: number) {
    super();
  }

  override handleEvent(type: EventTypeValue, ctx: FLContext): void {
    if (type === EventType.START_RUN) ctx.set(ContextKey.SEED, this.seed, { sticky: true, private: false });
  }
}

const pool = new TrainerPool();
const workspace = join(tmpdir(), `hearth-training-sim-${process.pid}`);
afterAll(async () => {
  await pool.close();
  await rm(workspace, { recursive: true, force: true });
});

interface SimulateOptions {
  readonly seed: number;
  readonly threads: number;
  /** Run SCAFFOLD (ScatterAndGatherScaffold, clients returning weight differences) instead of FedAvg. @default false */
  readonly scaffold?: boolean;
}

async function simulate(options: SimulateOptions): Promise<{ model: ParamMap; rounds: RoundSummary[]; control: ParamMap | undefined }> {
  const persistor = new InitialMlpPersistor();
  persistor.id = 'persistor';
  const aggregator = new WeightedAggregator();
  aggregator.id = 'aggregator';
  const workflowArgs = { minClients: 4, numRounds: 3, waitTimeAfterMinReceivedMs: 0 };
  const workflow = options.scaffold === true ? new ScatterAndGatherScaffold(workflowArgs) : new ScatterAndGather(workflowArgs);
  workflow.id = 'sag';
  const clientApp = (): ClientApp => {
    const seed = new Seed(options.seed);
    seed.id = 'seed';
    const executor = new OnnxTrainer(
      {
        model: { builtin: 'mlp', hidden: [16], seed: 5 },
        dataset: { name: 'fashion-mnist', dir: FASHION_MNIST_SUBSET_DIR, normalize: 'standardize', partition: { kind: 'dirichlet', alpha: 0.5, seed: 1 }, num_clients: 4, test_split: 'share' },
        batch_size: 16,
        lr: 0.05,
        execution_providers: ['cpu'],
        ...(options.scaffold === true ? { return_kind: 'weight_diff' as const, optimizer: { type: 'sgd' as const, momentum: 0 } } : {}),
      },
      { pool },
    );
    executor.id = 'trainer';
    return { components: new Map<string, FLComponent>([['seed', seed], ['trainer', executor]]), executors: [{ tasks: ['train'], executor }], taskDataFilters: [], taskResultFilters: [] };
  };
  const rounds: RoundSummary[] = [];
  const simulator = new Simulator({
    clients: ['site-1', 'site-2', 'site-3', 'site-4'],
    threads: options.threads,
    serverApp: {
      components: new Map<string, FLComponent>([['persistor', persistor], ['aggregator', aggregator], ['sag', workflow]]),
      workflows: [workflow],
      taskDataFilters: [],
      taskResultFilters: [],
    },
    clientAppFactory: clientApp,
    codec: { encode: encodeShareable, decode: decodeShareable },
    workspaceDir: workspace,
  });
  simulator.subscribe((event) => {
    const summary = event.type === EventType.ROUND_DONE ? event.ctx.get<RoundSummary>(WorkflowContextKey.ROUND_SUMMARY) : undefined;
    if (summary !== undefined) rounds.push(summary);
  });
  const outcome = await simulator.run();
  expect(outcome.status).toBe('completed');
  return { model: persistor.final as ParamMap, rounds, control: workflow instanceof ScatterAndGatherScaffold ? workflow.controlVariate : undefined };
}

describe('federated training in the simulator', () => {
  it('gives the same final model bit for bit for the same seed, another for another seed, with sessions bounded by the threads', async () => {
    const first = await simulate({ seed: 7, threads: 2 });
    const again = await simulate({ seed: 7, threads: 2 });
    const other = await simulate({ seed: 8, threads: 1 });
    expect(paramMapsEqual(first.model, again.model)).toBe(true);
    expect(paramMapsEqual(first.model, other.model)).toBe(false);
    expect(pool.stats.created).toBeLessThanOrEqual(2);
    expect(first.rounds.map((r) => r.clients.length)).toEqual([4, 4, 4]);
    const accuracy = first.rounds.map((r) => r.metrics['val_accuracy'] as number);
    expect(accuracy[2]).toBeGreaterThan((accuracy[0] as number) + 0.2);
  }, 60_000);

  it('runs SCAFFOLD against the server workflow: the control variate moves and the model learns', async () => {
    const run = await simulate({ seed: 7, threads: 2, scaffold: true });
    expect(run.rounds.map((r) => r.clients.length)).toEqual([4, 4, 4]);
    const c = run.control?.get('fc0.weight')?.data as Float32Array;
    expect(c.some((v) => v !== 0)).toBe(true);
    const accuracy = run.rounds.map((r) => r.metrics['val_accuracy'] as number);
    expect(accuracy[2]).toBeGreaterThan((accuracy[0] as number) + 0.2);
  }, 60_000);
});
