import { DataErrorCode, dataError } from './errors.js';

/**
 * How a labelled dataset is split over clients: each client's row indices (ascending) and its label
 * histogram, which is what a simulation reports to show how skewed the split is.
 */
export interface LabelPartition {
  /** `indices[c]`: the rows client `c` holds, in ascending order. */
  readonly indices: readonly Uint32Array[];
  /** `histogram[c][k]`: how many rows of class `k` client `c` holds. */
  readonly histogram: readonly (readonly number[])[];
  /** Number of classes the histogram counts (labels are `0 … numClasses-1`). */
  readonly numClasses: number;
}

/**
 * The number of classes in `labels` (largest label + 1), or checks an explicit count against them. Labels
 * must be integers in `[0, numClasses)`.
 */
export function resolveNumClasses(labels: ArrayLike<number>, numClasses?: number): number {
  let max = -1;
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i] as number;
    if (!Number.isInteger(label) || label < 0) {
      throw dataError(DataErrorCode.DATASET_MISMATCH, `label at row ${i} is ${label}; class labels must be integers >= 0`, {
        context: { row: i, label },
      });
    }
    if (label > max) max = label;
  }
  const resolved = numClasses ?? max + 1;
  if (!Number.isSafeInteger(resolved) || resolved < 1 || max >= resolved) {
    throw dataError(DataErrorCode.DATASET_MISMATCH, `labels go up to ${max}, which does not fit ${resolved} classes`, {
      context: { maxLabel: max, numClasses: resolved },
    });
  }
  return resolved;
}

/** Options for {@link labelHistogram}. */
export interface LabelHistogramOptions {
  /** The rows to count. @default every row */
  readonly indices?: ArrayLike<number>;
  /** Number of classes. */
  readonly numClasses: number;
}

/** Counts of each class among the given rows. */
export function labelHistogram(labels: ArrayLike<number>, options: LabelHistogramOptions): number[] {
  const counts = new Array<number>(options.numClasses).fill(0);
  const { indices } = options;
  const n = indices === undefined ? labels.length : indices.length;
  for (let i = 0; i < n; i++) {
    const label = labels[indices === undefined ? i : (indices[i] as number)] as number;
    counts[label] = (counts[label] as number) + 1;
  }
  return counts;
}

/** Options shared by the partitioners. */
export interface PartitionCommonOptions {
  /** Class label of every row. */
  readonly labels: ArrayLike<number>;
  /** Number of clients to split over. */
  readonly numClients: number;
  /** Seed of every random choice the partitioner makes. */
  readonly seed: number;
  /** Number of classes. @default largest label + 1 */
  readonly numClasses?: number;
}

/** Checks the options every partitioner shares and resolves the class count. */
export function checkPartitionOptions(options: PartitionCommonOptions & { readonly minSamplesPerClient: number }): number {
  const { labels, numClients, minSamplesPerClient } = options;
  if (!Number.isSafeInteger(numClients) || numClients < 1) {
    throw dataError(DataErrorCode.INVALID_ARGUMENT, `numClients must be a positive integer, got ${numClients}`, {
      context: { numClients },
    });
  }
  if (!Number.isSafeInteger(minSamplesPerClient) || minSamplesPerClient < 0) {
    throw dataError(DataErrorCode.INVALID_ARGUMENT, `minSamplesPerClient must be a non-negative integer, got ${minSamplesPerClient}`, {
      context: { minSamplesPerClient },
    });
  }
  if (numClients * minSamplesPerClient > labels.length) {
    throw dataError(
      DataErrorCode.PARTITION_INFEASIBLE,
      `${labels.length} samples cannot give ${numClients} clients at least ${minSamplesPerClient} each`,
      { context: { samples: labels.length, numClients, minSamplesPerClient } },
    );
  }
  return resolveNumClasses(labels, options.numClasses);
}

/** Builds the partition result from each client's rows: sorts them and counts their labels. */
export function finishPartition(options: {
  readonly labels: ArrayLike<number>;
  readonly bins: readonly ArrayLike<number>[];
  readonly numClasses: number;
}): LabelPartition {
  const indices = options.bins.map((bin) => Uint32Array.from(bin).sort());
  const histogram = indices.map((rows) => labelHistogram(options.labels, { indices: rows, numClasses: options.numClasses }));
  return { indices, histogram, numClasses: options.numClasses };
}
