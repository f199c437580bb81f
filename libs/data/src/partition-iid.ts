import { DataErrorCode, dataError } from './errors.js';
import { checkPartitionOptions, finishPartition } from './label-partition.js';
import type { LabelPartition, PartitionCommonOptions } from './label-partition.js';
import { seededPermutation } from './shuffle.js';

/** Options for {@link partitionIid}. */
export interface IidPartitionOptions extends PartitionCommonOptions {
  /** Smallest share any client may get. @default 1 */
  readonly minSamplesPerClient?: number;
}

/**
 * Splits rows uniformly at random over clients: shares differ in size by at most one row, and each
 * client's label mix follows the whole dataset's. The baseline against which non-IID splits are judged.
 */
export function partitionIid(options: IidPartitionOptions): LabelPartition {
  const minSamplesPerClient = options.minSamplesPerClient ?? 1;
  const numClasses = checkPartitionOptions({ ...options, minSamplesPerClient });
  const { labels, numClients } = options;
  if (Math.floor(labels.length / numClients) < minSamplesPerClient) {
    throw dataError(DataErrorCode.PARTITION_INFEASIBLE, `${labels.length} samples over ${numClients} clients leaves some below ${minSamplesPerClient}`, {
      context: { samples: labels.length, numClients, minSamplesPerClient },
    });
  }
  const order = seededPermutation(labels.length, options.seed);
  const base = Math.floor(labels.length / numClients);
  const extra = labels.length % numClients;
  const bins: Uint32Array[] = [];
  let start = 0;
  for (let c = 0; c < numClients; c++) {
    const size = base + (c < extra ? 1 : 0);
    bins.push(order.subarray(start, start + size));
    start += size;
  }
  return finishPartition({ labels, bins, numClasses });
}
