import type { JobBuilder } from '@hearth/job';
import { scatterGatherJob } from './scatter-gather-job.js';
import type { CompiledTemplateOptions } from './template-options.js';

/**
 * SCAFFOLD (Karimireddy et al. 2020): the server sends its control variate c with the model, clients correct
 * every SGD step by c − c_i and send y − x with Δc_i; the server moves x by η_g times the mean update.
 */
export function scaffoldTemplate(options: CompiledTemplateOptions): JobBuilder {
  return scatterGatherJob(options, {
    workflowType: 'ScatterAndGatherScaffold',
    expectedDataKind: 'WEIGHT_DIFF',
    workflowArgs: { global_learning_rate: options.globalLearningRate },
    trainer: { returnKind: 'weight_diff' },
  });
}
