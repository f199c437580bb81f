import type { JsonObject } from '@hearth/core';
import type { ComponentConfig, JobBuilder } from '@hearth/job';
import { INITIAL_MODEL_FILE } from './initial-model.js';
import { onnxTrainerExecutor } from './onnx-trainer-executor.js';
import type { TrainerExtras } from './onnx-trainer-executor.js';
import { TEMPLATE_APP, templateJobBase } from './template-job-base.js';
import type { CompiledTemplateOptions } from './template-options.js';

/** What one ScatterAndGather-based algorithm changes in the shared job. */
export interface ScatterGatherVariant {
  /** The workflow type. */
  readonly workflowType: 'ScatterAndGather' | 'ScatterAndGatherScaffold';
  /** What the clients send and the aggregator averages. */
  readonly expectedDataKind: 'WEIGHTS' | 'WEIGHT_DIFF';
  /** Workflow args on top of the shared ones. @default none */
  readonly workflowArgs?: JsonObject;
  /** Server components besides the persistor and the aggregator. @default none */
  readonly components?: readonly ComponentConfig[];
  /** Trainer args on top of the shared ones. @default none */
  readonly trainer?: TrainerExtras;
}

/**
 * A job of rounds in which every client trains the global model and the server averages the results
 * (FedAvg and the algorithms built on it): a SafetensorsPersistor starting from the template's initial model,
 * a WeightedAggregator (weights = examples trained on), the workflow waiting for all clients each round and
 * keeping the model with the best `val_accuracy`.
 */
export function scatterGatherJob(options: CompiledTemplateOptions, variant: ScatterGatherVariant): JobBuilder {
  const job = templateJobBase(options);
  const server = job
    .serverApp(TEMPLATE_APP)
    .addComponent({ id: 'persistor', type: 'SafetensorsPersistor', args: { initial_model: INITIAL_MODEL_FILE } })
    .addComponent({ id: 'aggregator', type: 'WeightedAggregator', args: { expected_data_kind: variant.expectedDataKind } });
  for (const component of variant.components ?? []) server.addComponent(component);
  server.addWorkflow({
    id: 'scatter_and_gather',
    type: variant.workflowType,
    args: {
      min_clients: options.clients,
      num_rounds: options.rounds,
      wait_time_after_min_received: 0,
      train_task_name: 'train',
      aggregator_id: 'aggregator',
      persistor_id: 'persistor',
      best_metric: 'val_accuracy',
      ...variant.workflowArgs,
    },
  });
  job.clientApp(TEMPLATE_APP).addExecutor(onnxTrainerExecutor(options, variant.trainer));
  return job;
}
