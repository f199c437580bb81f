import type { JsonObject } from '@hearth/core';
import type { ServerOptimizerOptions } from '@hearth/algorithms';
import type { JobBuilder } from '@hearth/job';
import { scatterGatherJob } from './scatter-gather-job.js';
import type { CompiledTemplateOptions } from './template-options.js';

/** The ServerOptimizer component's args in the snake_case job configs use; unset options stay unset. */
function serverOptimizerArgs(options: ServerOptimizerOptions): JsonObject {
  const args: Record<string, string | number | undefined> = {
    optimizer: options.optimizer,
    learning_rate: options.learningRate,
    momentum: options.momentum,
    beta1: options.beta1,
    beta2: options.beta2,
    tau: options.tau,
    initial_accumulator: options.initialAccumulator,
  };
  return Object.fromEntries(Object.entries(args).filter(([, value]) => value !== undefined)) as JsonObject;
}

/**
 * FedOpt (Reddi et al. 2021): clients send y − x, and a ServerOptimizer (SGD with momentum = FedAvgM, Adam,
 * Yogi or Adagrad) turns the mean update into the server's step.
 */
export function fedoptTemplate(options: CompiledTemplateOptions): JobBuilder {
  return scatterGatherJob(options, {
    workflowType: 'ScatterAndGather',
    expectedDataKind: 'WEIGHT_DIFF',
    components: [{ id: 'optimizer', type: 'ServerOptimizer', args: serverOptimizerArgs(options.serverOptimizer) }],
    workflowArgs: { model_updater_id: 'optimizer' },
    trainer: { returnKind: 'weight_diff' },
  });
}
