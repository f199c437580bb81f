import { DataErrorCode, dataError } from './errors.js';

/** Labels: class indices for classification, real targets for regression. */
export type Labels = Int32Array | Float32Array;

/**
 * A labelled dataset held in two flat typed arrays, the layout training graphs consume directly.
 * `x` is row-major N × features; `shape` is `[N, ...featureDims]` (e.g. `[60000, 28, 28]` for images,
 * `[N, F]` for tables), so `x.length === product(shape)` and `y.length === N`.
 */
export interface Dataset<Y extends Labels = Labels> {
  readonly x: Float32Array;
  readonly y: Y;
  readonly shape: readonly number[];
}

/** Number of samples (rows) in a dataset. */
export function sampleCount(dataset: Dataset): number {
  return dataset.shape[0] ?? 0;
}

/** Number of feature values per sample: the product of the shape after the first dimension. */
export function featureCount(dataset: Dataset): number {
  let features = 1;
  for (let i = 1; i < dataset.shape.length; i++) features *= dataset.shape[i] ?? 1;
  return features;
}

/**
 * Builds a dataset after checking that `x`, `y` and `shape` agree, so every later step can trust the
 * layout. Throws `HEARTH_ERR_DATA_DATASET_MISMATCH` naming the disagreement.
 */
export function createDataset<Y extends Labels>(init: Dataset<Y>): Dataset<Y> {
  const { x, y, shape } = init;
  if (shape.length < 1 || shape.some((d) => !Number.isSafeInteger(d) || d < 0)) {
    throw dataError(DataErrorCode.DATASET_MISMATCH, `dataset shape [${shape.join(', ')}] is not a list of sizes`, {
      context: { shape },
    });
  }
  const dataset: Dataset<Y> = { x, y, shape: [...shape] };
  const rows = sampleCount(dataset);
  const expected = rows * featureCount(dataset);
  if (x.length !== expected) {
    throw dataError(
      DataErrorCode.DATASET_MISMATCH,
      `dataset of shape [${shape.join(', ')}] needs ${expected} feature values, x has ${x.length}`,
      { context: { shape, xLength: x.length } },
    );
  }
  if (y.length !== rows) {
    throw dataError(DataErrorCode.DATASET_MISMATCH, `dataset has ${rows} rows but ${y.length} labels`, {
      context: { rows, yLength: y.length },
    });
  }
  return dataset;
}

/**
 * Copies the given rows, in the given order, into a new dataset: a client's share after partitioning,
 * or a shuffled copy. Throws `HEARTH_ERR_DATA_INVALID_ARGUMENT` for an index outside the dataset.
 */
export function selectRows<Y extends Labels>(dataset: Dataset<Y>, indices: ArrayLike<number>): Dataset<Y> {
  const rows = sampleCount(dataset);
  const features = featureCount(dataset);
  const x = new Float32Array(indices.length * features);
  const y = new (dataset.y.constructor as new (length: number) => Y)(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const row = indices[i] as number;
    if (!Number.isInteger(row) || row < 0 || row >= rows) {
      throw dataError(DataErrorCode.INVALID_ARGUMENT, `row index ${row} is outside a dataset of ${rows} rows`, {
        context: { row, rows },
      });
    }
    x.set(dataset.x.subarray(row * features, (row + 1) * features), i * features);
    y[i] = dataset.y[row] as number;
  }
  return { x, y, shape: [indices.length, ...dataset.shape.slice(1)] };
}
