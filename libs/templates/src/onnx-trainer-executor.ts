import type { JsonObject } from '@hearth/core';
import type { ExecutorBindingInput } from '@hearth/job';
import type { CompiledTemplateOptions } from './template-options.js';

/** How job configs name the OnnxTrainer: the type libs/components registers (`@hearth/training`'s executor). */
export const ONNX_TRAINER_TYPE = 'OnnxTrainer';

/** The tasks the trainer answers: training rounds, cross-site validation and model submission. */
export const TRAINER_TASKS = ['train', 'validate', 'submit_model'] as const;

/** What a template adds to the clients' trainer args. */
export interface TrainerExtras {
  /** FedProx's μ; left out when undefined. */
  readonly fedproxMu?: number;
  /** `weight_diff` makes the clients send y − x (FedOpt, SCAFFOLD); left out (weights) when undefined. */
  readonly returnKind?: 'weight_diff';
}

function modelSpec(options: CompiledTemplateOptions): JsonObject {
  if (options.model === 'mlp') return { builtin: 'mlp', hidden: [...options.hidden], seed: options.seed };
  return { builtin: options.model, seed: options.seed };
}

function datasetSpec(options: CompiledTemplateOptions): JsonObject {
  return {
    name: 'fashion-mnist',
    ...(options.dataDir === undefined ? {} : { dir: options.dataDir }),
    partition: { kind: 'dirichlet', alpha: options.alpha, seed: options.seed },
    num_clients: options.clients,
    ...(options.testSplit === 'share' ? {} : { test_split: options.testSplit }),
  };
}

/**
 * The clients' executor: OnnxTrainer on Fashion-MNIST split by Dirichlet(α) over the sites, on the CPU with
 * one ORT thread per session (bit-reproducible runs), 8 mini-batches per ORT run.
 */
export function onnxTrainerExecutor(options: CompiledTemplateOptions, extras: TrainerExtras = {}): ExecutorBindingInput {
  return {
    tasks: [...TRAINER_TASKS],
    executor: {
      id: 'trainer',
      type: ONNX_TRAINER_TYPE,
      args: {
        model: modelSpec(options),
        dataset: datasetSpec(options),
        local_epochs: options.localEpochs,
        batch_size: options.batchSize,
        optimizer: { type: 'sgd', momentum: options.momentum },
        lr: options.lr,
        ...(extras.fedproxMu === undefined ? {} : { fedprox_mu: extras.fedproxMu }),
        ...(extras.returnKind === undefined ? {} : { return_kind: extras.returnKind }),
        steps_per_run: 8,
        execution_providers: ['cpu'],
        intra_op_threads: 1,
      },
    },
  };
}
