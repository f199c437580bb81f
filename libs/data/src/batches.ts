import { featureCount, sampleCount, selectRows } from './dataset.js';
import type { Dataset, Labels } from './dataset.js';
import { DataErrorCode, dataError } from './errors.js';

/** Options for {@link iterateBatches} and {@link batchCount}. */
export interface BatchOptions {
  /** Rows per batch. */
  readonly batchSize: number;
  /** Drop the last batch when it has fewer than `batchSize` rows (for graphs with a fixed batch dimension). @default false */
  readonly dropLast?: boolean;
  /** The order to visit rows in, e.g. `seededPermutation(n, seed + epoch)`. @default dataset order */
  readonly order?: Uint32Array;
}

/** One batch: a small dataset of its own, plus its position in the epoch. */
export interface Batch<Y extends Labels = Labels> extends Dataset<Y> {
  /** 0-based batch number within the epoch. */
  readonly index: number;
}

/** How many batches {@link iterateBatches} yields for `rows` rows. */
export function batchCount(rows: number, options: BatchOptions): number {
  checkBatchSize(options.batchSize);
  return options.dropLast === true ? Math.floor(rows / options.batchSize) : Math.ceil(rows / options.batchSize);
}

/**
 * Yields the dataset in batches. In dataset order the batches are views (no copy) over `dataset.x` and
 * `dataset.y`; with an `order` each batch's rows are gathered into fresh arrays.
 */
export function* iterateBatches<Y extends Labels>(dataset: Dataset<Y>, options: BatchOptions): Generator<Batch<Y>> {
  const rows = options.order === undefined ? sampleCount(dataset) : options.order.length;
  const count = batchCount(rows, options);
  const { batchSize, order } = options;
  const features = featureCount(dataset);
  const tail = dataset.shape.slice(1);
  for (let index = 0; index < count; index++) {
    const start = index * batchSize;
    const end = Math.min(start + batchSize, rows);
    if (order === undefined) {
      yield {
        x: dataset.x.subarray(start * features, end * features),
        y: dataset.y.subarray(start, end) as Y,
        shape: [end - start, ...tail],
        index,
      };
    } else {
      const picked = selectRows(dataset, order.subarray(start, end));
      yield { ...picked, index };
    }
  }
}

function checkBatchSize(batchSize: number): void {
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) {
    throw dataError(DataErrorCode.INVALID_ARGUMENT, `batchSize must be a positive integer, got ${batchSize}`, {
      context: { batchSize },
    });
  }
}
