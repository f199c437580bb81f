import type { Dataset } from './dataset.js';
import { featureCount, sampleCount } from './dataset.js';
import { featureVector } from './feature-vector.js';

/** Options for {@link minMaxScaleInPlace}. */
export interface MinMaxScaleOptions {
  /** The value that maps to 0: one for all features or one per feature. @default each feature's minimum */
  readonly min?: number | ArrayLike<number>;
  /** The value that maps to 1: one for all features or one per feature. @default each feature's maximum */
  readonly max?: number | ArrayLike<number>;
}

/** The per-feature range a dataset was scaled with; pass it again to scale a test set the same way. */
export interface MinMaxRange {
  readonly min: Float64Array;
  readonly max: Float64Array;
}

/**
 * Scales every feature of `dataset.x` in place to [0, 1] by `(v - min) / (max - min)`. Pixels use a fixed
 * range (`{ min: 0, max: 255 }`); tables use each feature's observed range. A feature with `max === min`
 * becomes 0. Values outside a given range land outside [0, 1]; they are not clipped.
 */
export function minMaxScaleInPlace(dataset: Dataset, options: MinMaxScaleOptions = {}): MinMaxRange {
  const features = featureCount(dataset);
  const rows = sampleCount(dataset);
  const x = dataset.x;
  const observed = options.min === undefined || options.max === undefined ? observedRange(dataset) : undefined;
  const min = options.min === undefined ? (observed as MinMaxRange).min : featureVector(options.min, { features, name: 'min' });
  const max = options.max === undefined ? (observed as MinMaxRange).max : featureVector(options.max, { features, name: 'max' });
  const scale = new Float64Array(features);
  for (let f = 0; f < features; f++) {
    const span = (max[f] as number) - (min[f] as number);
    scale[f] = span === 0 ? 0 : 1 / span;
  }
  for (let r = 0; r < rows; r++) {
    const base = r * features;
    for (let f = 0; f < features; f++) {
      x[base + f] = ((x[base + f] as number) - (min[f] as number)) * (scale[f] as number);
    }
  }
  return { min, max };
}

function observedRange(dataset: Dataset): MinMaxRange {
  const features = featureCount(dataset);
  const rows = sampleCount(dataset);
  const min = new Float64Array(features).fill(rows === 0 ? 0 : Infinity);
  const max = new Float64Array(features).fill(rows === 0 ? 0 : -Infinity);
  for (let r = 0; r < rows; r++) {
    const base = r * features;
    for (let f = 0; f < features; f++) {
      const v = dataset.x[base + f] as number;
      if (v < (min[f] as number)) min[f] = v;
      if (v > (max[f] as number)) max[f] = v;
    }
  }
  return { min, max };
}
