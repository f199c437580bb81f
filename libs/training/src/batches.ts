import { tensor } from '@hearth/core';
import { seededPermutation } from '@hearth/data';
import type { Batch } from '@hearth/onnx-train';
import type { RowSet } from './labelled-data.js';

/** Options of {@link shuffledBatches} and {@link orderedBatches}. */
export interface BatchesOptions {
  /** The rows to visit. */
  readonly rows: RowSet;
  /** Examples per batch; the last batch of an epoch may be smaller. */
  readonly batchSize: number;
  /** Shape of one example as the model takes it, e.g. `[1, 28, 28]` for the CNN or `[784]` for an MLP. */
  readonly exampleShape: readonly number[];
}

/** Copies the examples at `order[start, end)` (positions in `rows.rows`) into one batch. */
function gather(options: BatchesOptions & { readonly order: Uint32Array | undefined; readonly start: number; readonly end: number }): Batch {
  const { rows, order, start, end, exampleShape } = options;
  const { data } = rows;
  const features = data.features;
  const size = end - start;
  const x = new Float32Array(size * features);
  const y = new BigInt64Array(size);
  for (let i = 0; i < size; i++) {
    const position = order === undefined ? start + i : (order[start + i] as number);
    const row = rows.rows[position] as number;
    x.set(data.x.subarray(row * features, (row + 1) * features), i * features);
    y[i] = data.y[row] as bigint;
  }
  return { x: tensor('F32', [size, ...exampleShape], x), y: tensor('I64', [size], y) };
}

function* batchesInOrder(options: BatchesOptions & { readonly order: Uint32Array | undefined }): Generator<Batch> {
  const count = options.rows.rows.length;
  for (let start = 0; start < count; start += options.batchSize) {
    yield gather({ ...options, start, end: Math.min(start + options.batchSize, count) });
  }
}

/**
 * One epoch of mini-batches in a seeded random order (Fisher-Yates over the rows): the same seed gives the
 * same batches, so a run is reproducible; pass a different seed per epoch. Each batch is a fresh copy, so
 * batches may be held (stacked for a Loop program) while later ones are made.
 */
export function shuffledBatches(options: BatchesOptions & { readonly seed: number }): Generator<Batch> {
  return batchesInOrder({ ...options, order: seededPermutation(options.rows.rows.length, options.seed) });
}

/** The rows in their stored order, in batches: for evaluation, where order does not matter. */
export function orderedBatches(options: BatchesOptions): Generator<Batch> {
  return batchesInOrder({ ...options, order: undefined });
}
