import type { ExecutionProviderName } from '@hearth/ort-runtime';
import { Type } from 'typebox';
import type { Static } from 'typebox';
import { DatasetSpecSchema } from './dataset-spec.js';
import type { DatasetSpec, DatasetSpecInput } from './dataset-spec.js';
import { checkSchema } from './internal/check-schema.js';
import { LrScheduleSchema } from './lr-schedule.js';
import type { LrSchedule, LrScheduleInput } from './lr-schedule.js';
import { ModelSpecSchema } from './model-spec.js';
import type { ModelSpec, ModelSpecInput } from './model-spec.js';
import { OptimizerArgsSchema, compileOptimizer } from './optimizer-spec.js';
import type { CompiledOptimizer, OptimizerArgsInput } from './optimizer-spec.js';

/** The execution providers a job may list (ort-runtime's EXECUTION_PROVIDERS), as JSON Schema. */
export const ExecutionProvidersSchema = Type.Array(Type.Union([Type.Literal('cuda'), Type.Literal('tensorrt'), Type.Literal('webgpu'), Type.Literal('cpu')]), {
  minItems: 1,
  uniqueItems: true,
  default: ['cuda', 'cpu'],
  description: 'tried in order; each fallback is logged',
});

const taskName = (fallback: string) => Type.String({ minLength: 1, default: fallback });

/**
 * Args of {@link OnnxTrainer} as a job's `config_fed_client.json` gives them (snake_case). Every default is
 * in the schema; `compileOnnxTrainerArgs` applies them for args given in code.
 */
export const OnnxTrainerArgsSchema = Type.Object(
  {
    model: ModelSpecSchema,
    dataset: DatasetSpecSchema,
    local_epochs: Type.Integer({ minimum: 1, default: 1, description: 'passes over the local training share per round' }),
    batch_size: Type.Integer({ minimum: 1, default: 32 }),
    optimizer: Type.Union(OptimizerArgsSchema.anyOf, { default: { type: 'sgd' }, description: 'local optimizer; default SGD with momentum 0.9' }),
    lr: Type.Number({ exclusiveMinimum: 0, default: 0.01, description: 'base learning rate' }),
    lr_schedule: Type.Union(LrScheduleSchema.anyOf, { default: { kind: 'constant' } }),
    fedprox_mu: Type.Number({ minimum: 0, default: 0, description: 'FedProx proximal term weight; 0 = plain FedAvg' }),
    steps_per_run: Type.Integer({ minimum: 1, default: 8, description: 'mini-batches per ORT run (K of the Loop program); 1 = one step per run' }),
    return_kind: Type.Union([Type.Literal('weights'), Type.Literal('weight_diff')], { default: 'weights' }),
    execution_providers: ExecutionProvidersSchema,
    intra_op_threads: Type.Integer({ minimum: 0, default: 1, description: 'ORT threads per session; 1 is reproducible, 0 lets ORT pick' }),
    eval_batch_size: Type.Integer({ minimum: 1, default: 500 }),
    train_task_name: taskName('train'),
    validate_task_name: taskName('validate'),
    submit_model_task_name: taskName('submit_model'),
  },
  { additionalProperties: false },
);

/** {@link OnnxTrainerArgsSchema} as a type, defaults applied. */
export type OnnxTrainerArgs = Static<typeof OnnxTrainerArgsSchema>;

/** Args as code may write them: `model` and `dataset` required, every other arg optional (its default applies). */
export type OnnxTrainerArgsInput = Partial<Omit<OnnxTrainerArgs, 'model' | 'dataset' | 'optimizer' | 'lr_schedule'>> & {
  readonly model: ModelSpecInput;
  readonly dataset: DatasetSpecInput;
  readonly optimizer?: OptimizerArgsInput;
  readonly lr_schedule?: LrScheduleInput;
};

/** {@link OnnxTrainerArgs} with every default applied and checked, in the names the executor uses. */
export interface CompiledOnnxTrainerArgs {
  readonly model: ModelSpec;
  readonly dataset: DatasetSpec;
  readonly localEpochs: number;
  readonly batchSize: number;
  readonly optimizer: CompiledOptimizer;
  readonly lr: number;
  readonly lrSchedule: LrSchedule;
  readonly fedproxMu: number;
  readonly stepsPerRun: number;
  readonly returnKind: 'weights' | 'weight_diff';
  readonly executionProviders: readonly ExecutionProviderName[];
  readonly intraOpThreads: number;
  readonly evalBatchSize: number;
  readonly taskNames: { readonly train: string; readonly validate: string; readonly submitModel: string };
}

/** Fills in the defaults and checks the args; throws `HEARTH_ERR_TRAINING_INVALID_ARGS` naming the bad arg. */
export function compileOnnxTrainerArgs(input: OnnxTrainerArgsInput): CompiledOnnxTrainerArgs {
  const args = checkSchema({ schema: OnnxTrainerArgsSchema, value: input, what: 'OnnxTrainer args' });
  return {
    model: args.model,
    dataset: args.dataset,
    localEpochs: args.local_epochs,
    batchSize: args.batch_size,
    optimizer: compileOptimizer(args.optimizer),
    lr: args.lr,
    lrSchedule: args.lr_schedule,
    fedproxMu: args.fedprox_mu,
    stepsPerRun: args.steps_per_run,
    returnKind: args.return_kind,
    executionProviders: args.execution_providers,
    intraOpThreads: args.intra_op_threads,
    evalBatchSize: args.eval_batch_size,
    taskNames: { train: args.train_task_name, validate: args.validate_task_name, submitModel: args.submit_model_task_name },
  };
}
