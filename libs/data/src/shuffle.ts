import { selectRows, sampleCount } from './dataset.js';
import type { Dataset, Labels } from './dataset.js';
import { DataErrorCode, dataError } from './errors.js';
import { SeededRandom } from '@hearth/core';

/**
 * A uniformly random permutation of `0 … count-1` (Fisher-Yates), drawn from a seed or from a generator
 * the caller already holds. The same seed always gives the same order.
 */
export function seededPermutation(count: number, random: number | SeededRandom): Uint32Array {
  if (!Number.isSafeInteger(count) || count < 0 || count > 0xffffffff) {
    throw dataError(DataErrorCode.INVALID_ARGUMENT, `permutation size must be an integer in [0, 2^32), got ${count}`, {
      context: { count },
    });
  }
  const rng = typeof random === 'number' ? new SeededRandom(random) : random;
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  return rng.shuffle(order);
}

/** Options for {@link shuffleDataset}. */
export interface ShuffleOptions {
  /** Seed of the permutation. */
  readonly seed: number;
}

/** A copy of the dataset with its rows in a seeded random order (labels move with their rows). */
export function shuffleDataset<Y extends Labels>(dataset: Dataset<Y>, options: ShuffleOptions): Dataset<Y> {
  return selectRows(dataset, seededPermutation(sampleCount(dataset), options.seed));
}
