import type { JobBuilder } from '@hearth/job';
import { INITIAL_MODEL_FILE } from './initial-model.js';
import { onnxTrainerExecutor } from './onnx-trainer-executor.js';
import { TEMPLATE_APP, templateJobBase } from './template-job-base.js';
import type { CompiledTemplateOptions } from './template-options.js';

/**
 * Cyclic weight transfer: one model visits the clients one after another, each training it on its share,
 * every round in the same order; no averaging.
 */
export function cyclicTemplate(options: CompiledTemplateOptions): JobBuilder {
  const job = templateJobBase(options);
  job
    .serverApp(TEMPLATE_APP)
    .addComponent({ id: 'persistor', type: 'SafetensorsPersistor', args: { initial_model: INITIAL_MODEL_FILE } })
    .addWorkflow({ id: 'cyclic', type: 'CyclicController', args: { num_rounds: options.rounds, task_name: 'train', order: 'fixed', persistor_id: 'persistor' } });
  job.clientApp(TEMPLATE_APP).addExecutor(onnxTrainerExecutor(options));
  return job;
}
