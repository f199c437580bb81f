import type { Tensor } from '@hearth/core';
import { allocData, numelOf } from '@hearth/core';
import type { SeededRandom } from '@hearth/core';

/** Weight initialisations: He (Kaiming) uniform for ReLU layers, Glorot (Xavier) uniform for the rest. */
export type InitKind = 'he' | 'glorot' | 'zeros';

/** Options for {@link initTensor}. */
export interface InitOptions {
  readonly kind: InitKind;
  readonly dtype: 'F32' | 'F64';
  readonly shape: readonly number[];
  /** Inputs feeding one output unit (in_features, or in_channels * kernel area). */
  readonly fanIn: number;
  /** Output units one input feeds (out_features, or out_channels * kernel area). */
  readonly fanOut: number;
  readonly random: SeededRandom;
}

/**
 * A freshly initialised parameter. He uniform draws from U(-sqrt(6 / fanIn), +), Glorot uniform from
 * U(-sqrt(6 / (fanIn + fanOut)), +); values are drawn in row-major order from the shared generator.
 */
export function initTensor(options: InitOptions): Tensor {
  const data = allocData(options.dtype, numelOf(options.shape));
  if (options.kind !== 'zeros') {
    const bound = options.kind === 'he' ? Math.sqrt(6 / options.fanIn) : Math.sqrt(6 / (options.fanIn + options.fanOut));
    for (let i = 0; i < data.length; i++) data[i] = options.random.nextUniform(-bound, bound);
  }
  return { dtype: options.dtype, shape: [...options.shape], data };
}
