import type { JobBuilder } from '@hearth/job';
import { scatterGatherJob } from './scatter-gather-job.js';
import type { CompiledTemplateOptions } from './template-options.js';

/**
 * FedProx (Li et al. 2020): FedAvg whose clients add μ/2 ‖w − w_global‖² to their loss, which keeps local
 * models near the global one when sites' data differ.
 */
export function fedproxTemplate(options: CompiledTemplateOptions): JobBuilder {
  return scatterGatherJob(options, { workflowType: 'ScatterAndGather', expectedDataKind: 'WEIGHTS', trainer: { fedproxMu: options.fedproxMu } });
}
