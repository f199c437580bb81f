import { ServerOptimizer, ServerOptimizerKind } from '@hearth/algorithms';
import { defineComponent } from '@hearth/job';
import { Type } from 'typebox';

const decay = (description: string) => Type.Optional(Type.Number({ minimum: 0, exclusiveMaximum: 1, description }));

/**
 * `ServerOptimizer`: FedOpt's server step (sgd with momentum = FedAvgM, adam, yogi, adagrad), named by a
 * ScatterAndGather's `model_updater_id`. Unset args take the optimizer's defaults.
 */
export const ServerOptimizerType = defineComponent({
  type: 'ServerOptimizer',
  argsSchema: Type.Object(
    {
      optimizer: Type.Enum(ServerOptimizerKind, { default: ServerOptimizerKind.SGD }),
      learning_rate: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'server learning rate η; default 1 for sgd, 0.01 otherwise' })),
      momentum: decay('sgd momentum β; default 0'),
      beta1: decay('first-moment decay; default 0.9 (adagrad 0)'),
      beta2: decay('second-moment decay of adam and yogi; default 0.99'),
      tau: Type.Optional(Type.Number({ minimum: 0, description: 'adaptivity τ; default 0.001' })),
      initial_accumulator: Type.Optional(Type.Number({ minimum: 0, description: 'second moment before the first round; default τ²' })),
    },
    { additionalProperties: false },
  ),
  create: (args) =>
    new ServerOptimizer({
      optimizer: args.optimizer,
      ...(args.learning_rate === undefined ? {} : { learningRate: args.learning_rate }),
      ...(args.momentum === undefined ? {} : { momentum: args.momentum }),
      ...(args.beta1 === undefined ? {} : { beta1: args.beta1 }),
      ...(args.beta2 === undefined ? {} : { beta2: args.beta2 }),
      ...(args.tau === undefined ? {} : { tau: args.tau }),
      ...(args.initial_accumulator === undefined ? {} : { initialAccumulator: args.initial_accumulator }),
    }),
});
