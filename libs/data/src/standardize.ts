import type { Dataset } from './dataset.js';
import { featureCount, sampleCount } from './dataset.js';
import { DataErrorCode, dataError } from './errors.js';
import { featureVector } from './feature-vector.js';

/** Options for {@link standardizeInPlace}. */
export interface StandardizeOptions {
  /** Mean to subtract: one for all features or one per feature. @default each feature's mean */
  readonly mean?: number | ArrayLike<number>;
  /** Standard deviation to divide by (must be > 0). @default each feature's population std, 1 where it is 0 */
  readonly std?: number | ArrayLike<number>;
}

/** The per-feature statistics a dataset was standardized with; reuse them for the test set. */
export interface FeatureMoments {
  readonly mean: Float64Array;
  readonly std: Float64Array;
}

/**
 * Standardizes every feature of `dataset.x` in place to `(v - mean) / std`, with statistics given (for
 * example the training set's, or the federation's) or computed here in float64.
 */
export function standardizeInPlace(dataset: Dataset, options: StandardizeOptions = {}): FeatureMoments {
  const features = featureCount(dataset);
  const rows = sampleCount(dataset);
  const x = dataset.x;
  const mean = options.mean === undefined ? featureMeans(dataset) : featureVector(options.mean, { features, name: 'mean' });
  let std: Float64Array;
  if (options.std === undefined) {
    std = featureStds(dataset, mean);
  } else {
    std = featureVector(options.std, { features, name: 'std' });
    if (std.some((s) => !(s > 0))) {
      throw dataError(DataErrorCode.INVALID_ARGUMENT, 'std must be positive for every feature', { context: { option: 'std' } });
    }
  }
  for (let r = 0; r < rows; r++) {
    const base = r * features;
    for (let f = 0; f < features; f++) {
      x[base + f] = ((x[base + f] as number) - (mean[f] as number)) / (std[f] as number);
    }
  }
  return { mean, std };
}

function featureMeans(dataset: Dataset): Float64Array {
  const features = featureCount(dataset);
  const rows = sampleCount(dataset);
  const sum = new Float64Array(features);
  for (let r = 0; r < rows; r++) {
    const base = r * features;
    for (let f = 0; f < features; f++) sum[f] = (sum[f] as number) + (dataset.x[base + f] as number);
  }
  if (rows > 0) for (let f = 0; f < features; f++) sum[f] = (sum[f] as number) / rows;
  return sum;
}

function featureStds(dataset: Dataset, mean: Float64Array): Float64Array {
  const features = featureCount(dataset);
  const rows = sampleCount(dataset);
  const squares = new Float64Array(features);
  for (let r = 0; r < rows; r++) {
    const base = r * features;
    for (let f = 0; f < features; f++) {
      const d = (dataset.x[base + f] as number) - (mean[f] as number);
      squares[f] = (squares[f] as number) + d * d;
    }
  }
  for (let f = 0; f < features; f++) {
    const std = rows > 0 ? Math.sqrt((squares[f] as number) / rows) : 0;
    squares[f] = std > 0 ? std : 1;
  }
  return squares;
}
