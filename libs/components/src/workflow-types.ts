import { CyclicController, ScatterAndGather, ScatterAndGatherScaffold } from '@hearth/workflow';
import type { ScatterAndGatherArgs } from '@hearth/workflow';
import { defineComponent } from '@hearth/job';
import { Type } from 'typebox';
import type { Static } from 'typebox';
import { id, seconds, toMs } from './arg-helpers.js';

/** The args ScatterAndGather and its SCAFFOLD variant share, with NVFlare's names and durations in seconds. */
const sagProperties = {
  min_clients: Type.Integer({ minimum: 1, default: 1, description: 'results needed to close a round' }),
  num_rounds: Type.Integer({ minimum: 0, default: 5 }),
  start_round: Type.Integer({ minimum: 0, default: 0 }),
  wait_time_after_min_received: seconds('seconds to wait for more results once min_clients arrived', 10),
  train_task_name: Type.String({ minLength: 1, default: 'train' }),
  train_timeout: seconds('seconds before a round task times out; 0 never', 0),
  aggregator_id: id('component id of the aggregator', 'aggregator'),
  persistor_id: id('component id of the model persistor', 'persistor'),
  persist_every_n_rounds: Type.Integer({ minimum: 0, default: 1 }),
  snapshot_every_n_rounds: Type.Integer({ minimum: 0, default: 1 }),
  snapshot_store_id: Type.Optional(Type.String({ minLength: 1 })),
  model_updater_id: Type.Optional(Type.String({ minLength: 1, description: 'component id of a model updater (a ServerOptimizer for FedOpt)' })),
  best_metric: Type.Optional(Type.String({ minLength: 1, description: 'round metric whose improvement saves the evaluated model as tag best' })),
  best_mode: Type.Union([Type.Literal('max'), Type.Literal('min')], { default: 'max', description: 'whether a larger or smaller best_metric is better' }),
  ignore_result_error: Type.Boolean({ default: false, description: 'skip client results with an error return code instead of failing the job' }),
};

const ScatterAndGatherSchema = Type.Object(sagProperties, { additionalProperties: false });

function scatterAndGatherArgs(args: Static<typeof ScatterAndGatherSchema>): ScatterAndGatherArgs {
  return {
    minClients: args.min_clients,
    numRounds: args.num_rounds,
    startRound: args.start_round,
    waitTimeAfterMinReceivedMs: toMs(args.wait_time_after_min_received),
    trainTaskName: args.train_task_name,
    trainTimeoutMs: toMs(args.train_timeout),
    aggregatorId: args.aggregator_id,
    persistorId: args.persistor_id,
    persistEveryNRounds: args.persist_every_n_rounds,
    snapshotEveryNRounds: args.snapshot_every_n_rounds,
    bestMode: args.best_mode,
    ignoreResultError: args.ignore_result_error,
    ...(args.snapshot_store_id === undefined ? {} : { snapshotStoreId: args.snapshot_store_id }),
    ...(args.model_updater_id === undefined ? {} : { modelUpdaterId: args.model_updater_id }),
    ...(args.best_metric === undefined ? {} : { bestMetric: args.best_metric }),
  };
}

/**
 * `ScatterAndGather` as jobs configure it: NVFlare's argument names, durations in seconds. FedOpt is this
 * workflow with `model_updater_id` naming a `ServerOptimizer`.
 */
export const ScatterAndGatherType = defineComponent({
  type: 'ScatterAndGather',
  argsSchema: ScatterAndGatherSchema,
  create: (args) => new ScatterAndGather(scatterAndGatherArgs(args)),
});

/** `ScatterAndGatherScaffold`: SCAFFOLD's server; ScatterAndGather's args plus the global learning rate η_g. */
export const ScatterAndGatherScaffoldType = defineComponent({
  type: 'ScatterAndGatherScaffold',
  argsSchema: Type.Object(
    {
      ...sagProperties,
      global_learning_rate: Type.Number({ exclusiveMinimum: 0, default: 1, description: 'server learning rate η_g when no model updater is set' }),
    },
    { additionalProperties: false },
  ),
  create: (args) => new ScatterAndGatherScaffold({ ...scatterAndGatherArgs(args), globalLearningRate: args.global_learning_rate }),
});

/** `CyclicController` as jobs configure it: cyclic weight transfer, fixed or seeded random order. */
export const CyclicControllerType = defineComponent({
  type: 'CyclicController',
  argsSchema: Type.Object(
    {
      num_rounds: Type.Integer({ minimum: 0, default: 5 }),
      task_name: Type.String({ minLength: 1, default: 'train' }),
      order: Type.Union([Type.Literal('fixed'), Type.Literal('random')], { default: 'fixed' }),
      seed: Type.Optional(Type.Integer({ minimum: 0, description: 'seed of the random order; default: the run seed' })),
      persistor_id: id('component id of the model persistor', 'persistor'),
      task_result_timeout: seconds('seconds one client may take before the model moves on; 0 waits', 0),
      persist_every_n_rounds: Type.Integer({ minimum: 0, default: 1 }),
    },
    { additionalProperties: false },
  ),
  create: (args) =>
    new CyclicController({
      numRounds: args.num_rounds,
      taskName: args.task_name,
      order: args.order,
      ...(args.seed === undefined ? {} : { seed: args.seed }),
      persistorId: args.persistor_id,
      taskResultTimeoutMs: toMs(args.task_result_timeout),
      persistEveryNRounds: args.persist_every_n_rounds,
    }),
});
