import { performance } from 'node:perf_hooks';
import { silentLogger } from '@hearth/core';
import type { Logger, ParamMap } from '@hearth/core';
import { Type } from 'typebox';
import type { Static } from 'typebox';
import { DataSourceSpecSchema } from './dataset-spec.js';
import type { DataSourceSpecInput } from './dataset-spec.js';
import { loadFashionMnistData } from './fashion-mnist-data.js';
import type { FashionMnistData } from './fashion-mnist-data.js';
import { checkSchema } from './internal/check-schema.js';
import { deriveSeed } from './internal/derive-seed.js';
import { allRows } from './labelled-data.js';
import { evaluateRows, trainEpochs } from './local-training.js';
import { LrScheduleSchema, learningRateAt } from './lr-schedule.js';
import { ModelSpecSchema, prepareModel } from './model-spec.js';
import type { ModelSpecInput } from './model-spec.js';
import { ExecutionProvidersSchema } from './onnx-trainer-args.js';
import { OptimizerArgsSchema, compileOptimizer } from './optimizer-spec.js';
import type { OptimizerArgsInput } from './optimizer-spec.js';
import type { LrScheduleInput } from './lr-schedule.js';
import { TrainerPool } from './trainer-pool.js';
import { compileTrainingPrograms } from './training-programs.js';

/**
 * Settings of a centralized run, named like {@link OnnxTrainer}'s args so a baseline and a federated job
 * read the same. Defaults: 10 epochs, batch 64, Adam with lr 1e-3, constant schedule, K = 8 steps per run,
 * CUDA then CPU with one intra-op thread.
 */
export const CentralizedTrainingArgsSchema = Type.Object(
  {
    model: ModelSpecSchema,
    dataset: DataSourceSpecSchema,
    epochs: Type.Integer({ minimum: 1, default: 10 }),
    batch_size: Type.Integer({ minimum: 1, default: 64 }),
    optimizer: Type.Union(OptimizerArgsSchema.anyOf, { default: { type: 'adam' } }),
    lr: Type.Number({ exclusiveMinimum: 0, default: 1e-3 }),
    lr_schedule: Type.Union(LrScheduleSchema.anyOf, { default: { kind: 'constant' } }),
    seed: Type.Integer({ default: 0, description: 'seed of the shuffles (the model spec has its own init seed)' }),
    steps_per_run: Type.Integer({ minimum: 1, default: 8 }),
    execution_providers: ExecutionProvidersSchema,
    intra_op_threads: Type.Integer({ minimum: 0, default: 1 }),
    eval_batch_size: Type.Integer({ minimum: 1, default: 500 }),
  },
  { additionalProperties: false },
);

/** {@link CentralizedTrainingArgsSchema} as a type. */
export type CentralizedTrainingArgs = Static<typeof CentralizedTrainingArgsSchema>;

/** One point of the learning curve: the epoch's running training metrics and the test metrics after it. */
export interface EpochPoint {
  /** 1-based epoch. */
  readonly epoch: number;
  readonly lr: number;
  readonly train_loss: number;
  readonly train_accuracy: number;
  readonly test_loss: number;
  readonly test_accuracy: number;
  /** Wall time of the epoch's training (evaluation excluded). */
  readonly seconds: number;
  readonly samples_per_second: number;
}

/** Options of {@link trainCentralized}: the args plus callbacks. */
export type CentralizedTrainingOptions = Partial<Omit<CentralizedTrainingArgs, 'model' | 'dataset' | 'optimizer' | 'lr_schedule'>> & {
    readonly model: ModelSpecInput;
    readonly dataset: DataSourceSpecInput;
    readonly optimizer?: OptimizerArgsInput;
    readonly lr_schedule?: LrScheduleInput;
    /** Called after every epoch with its point of the curve (progress output). */
    readonly onEpoch?: (point: EpochPoint) => void;
    /** Stops between runs with `HEARTH_ERR_ABORTED`. */
    readonly signal?: AbortSignal;
    /** Where dataset and session messages go. @default silentLogger() */
    readonly logger?: Logger;
  };

/** What {@link trainCentralized} returns. */
export interface CentralizedTrainingResult {
  /** The learning curve, one point per epoch. */
  readonly curve: readonly EpochPoint[];
  /** The final parameters and buffers, in the model's order. */
  readonly params: ParamMap;
  /** The checked args, defaults applied. */
  readonly args: CentralizedTrainingArgs;
  /** Where the data came from and how much of it there was. */
  readonly data: { readonly source: FashionMnistData['source']; readonly dir: string; readonly train: number; readonly test: number };
}

/**
 * Trains a model on the whole training split, the baseline a federated run is judged against, and
 * evaluates it on the test split after every epoch. Uses the same data pipeline, programs and sessions as
 * the federated executor; sessions are opened for the run and closed at its end.
 */
export async function trainCentralized(options: CentralizedTrainingOptions): Promise<CentralizedTrainingResult> {
  const { onEpoch, signal } = options;
  const logger = options.logger ?? silentLogger();
  const argNames = new Set(Object.keys(CentralizedTrainingArgsSchema.properties));
  const given = Object.fromEntries(Object.entries(options).filter(([name]) => argNames.has(name)));
  const args = checkSchema({ schema: CentralizedTrainingArgsSchema, value: given, what: 'centralized training args' });
  const data = await loadFashionMnistData({ spec: args.dataset, logger });
  const model = await prepareModel({ spec: args.model, target: { features: data.train.features, classes: data.train.numClasses } });
  const optimizer = compileOptimizer(args.optimizer);
  const programs = await compileTrainingPrograms({ model, optimizer: optimizer.spec, stepsPerRun: args.steps_per_run });
  const pool = new TrainerPool({ logger });
  const lease = await pool.acquire({
    programs,
    sessions: { executionProviders: args.execution_providers, intraOpThreads: args.intra_op_threads },
    reusable: false,
    logger,
  });
  const train = allRows(data.train);
  const test = allRows(data.test);
  const curve: EpochPoint[] = [];
  let params = model.model.params;
  let state: ParamMap | undefined;
  try {
    for (let epoch = 0; epoch < args.epochs; epoch++) {
      const lr = learningRateAt({ schedule: args.lr_schedule, lr: args.lr, round: epoch, totalRounds: args.epochs });
      const started = performance.now();
      const trained = await trainEpochs({
        trainer: lease.trainer,
        params,
        rows: train,
        exampleShape: model.exampleShape,
        batchSize: args.batch_size,
        epochs: 1,
        seedOf: () => deriveSeed([args.seed, epoch]),
        hyper: { ...optimizer.hyper, lr },
        ...(state === undefined ? {} : { state }),
        ...(signal === undefined ? {} : { signal }),
      });
      const seconds = (performance.now() - started) / 1000;
      params = trained.params;
      state = trained.state;
      const tested = await evaluateRows({ trainer: lease.trainer, params, rows: test, exampleShape: model.exampleShape, batchSize: args.eval_batch_size });
      const point: EpochPoint = {
        epoch: epoch + 1,
        lr,
        train_loss: trained.loss,
        train_accuracy: trained.accuracy,
        test_loss: tested.loss,
        test_accuracy: tested.accuracy,
        seconds,
        samples_per_second: trained.examples / seconds,
      };
      curve.push(point);
      onEpoch?.(point);
    }
  } finally {
    await lease.release();
    await pool.close();
  }
  return { curve, params, args, data: { source: data.source, dir: data.dir, train: data.train.count, test: data.test.count } };
}
