import type { JobBuilder } from '@hearth/job';
import { scatterGatherJob } from './scatter-gather-job.js';
import type { CompiledTemplateOptions } from './template-options.js';

/** FedAvg (McMahan et al. 2017): clients send their trained weights, the server takes the example-weighted mean. */
export function fedavgTemplate(options: CompiledTemplateOptions): JobBuilder {
  return scatterGatherJob(options, { workflowType: 'ScatterAndGather', expectedDataKind: 'WEIGHTS' });
}
