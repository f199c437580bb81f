import { sampleLogGamma } from './sample-gamma.js';
import type { SeededRandom } from '@hearth/core';

/** Options for {@link sampleDirichlet}. */
export interface SampleDirichletOptions {
  /** Concentration: one value for a symmetric Dirichlet, or one per component. */
  readonly alpha: number | ArrayLike<number>;
  /** Receives the sample; its length is the number of components. */
  readonly out: Float64Array;
}

/**
 * Fills `out` with a Dirichlet(α) sample (non-negative, sums to 1) from normalised Gamma(α_i) draws. The
 * draws are combined in log space, so small α (very skewed proportions) never divides 0 by 0.
 */
export function sampleDirichlet(rng: SeededRandom, options: SampleDirichletOptions): Float64Array {
  const { alpha, out } = options;
  let maxLog = -Infinity;
  for (let i = 0; i < out.length; i++) {
    const a = typeof alpha === 'number' ? alpha : (alpha[i] as number);
    const logSample = sampleLogGamma(rng, a);
    out[i] = logSample;
    if (logSample > maxLog) maxLog = logSample;
  }
  let sum = 0;
  for (let i = 0; i < out.length; i++) {
    const p = Math.exp((out[i] as number) - maxLog);
    out[i] = p;
    sum += p;
  }
  for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) / sum;
  return out;
}
