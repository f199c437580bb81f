import { DataErrorCode, dataError } from './errors.js';
import { checkPartitionOptions, finishPartition } from './label-partition.js';
import type { LabelPartition, PartitionCommonOptions } from './label-partition.js';
import { sampleDirichlet } from './sample-dirichlet.js';
import { SeededRandom } from '@hearth/core';
import { seededPermutation } from './shuffle.js';

/** Options for {@link partitionDirichlet}. */
export interface DirichletPartitionOptions extends PartitionCommonOptions {
  /** Concentration α: small (0.1) gives each client few classes, large (100) approaches IID. */
  readonly alpha: number;
  /** Smallest share any client may get; draws are repeated until every client has this many. @default 10 */
  readonly minSamplesPerClient?: number;
  /** How many draws to try before giving up with `HEARTH_ERR_DATA_PARTITION_INFEASIBLE`. @default 1000 */
  readonly maxAttempts?: number;
}

/**
 * Non-IID split by label (Hsu et al. 2019; the scheme NVFlare's CIFAR-10 examples use): for each class,
 * draw client proportions from Dirichlet(α) and deal that class's rows out accordingly. A client that
 * already holds its fair share (N / clients) gets no more rows, and the whole draw is repeated until every
 * client has at least `minSamplesPerClient` rows. Deterministic for a seed.
 */
export function partitionDirichlet(options: DirichletPartitionOptions): LabelPartition {
  const minSamplesPerClient = options.minSamplesPerClient ?? 10;
  const maxAttempts = options.maxAttempts ?? 1000;
  const { labels, numClients, alpha } = options;
  if (!(alpha > 0) || !Number.isFinite(alpha)) {
    throw dataError(DataErrorCode.INVALID_ARGUMENT, `alpha must be a positive finite number, got ${alpha}`, { context: { alpha } });
  }
  if (!Number.isSafeInteger(maxAttempts) || maxAttempts < 1) {
    throw dataError(DataErrorCode.INVALID_ARGUMENT, `maxAttempts must be a positive integer, got ${maxAttempts}`, {
      context: { maxAttempts },
    });
  }
  const numClasses = checkPartitionOptions({ ...options, minSamplesPerClient });
  const rng = new SeededRandom(options.seed);
  const byClass = rowsByClass(labels, numClasses);
  const fairShare = labels.length / numClients;
  const proportions = new Float64Array(numClients);
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const bins: number[][] = Array.from({ length: numClients }, () => []);
    for (const rows of byClass) {
      if (rows.length === 0) continue;
      const order = seededPermutation(rows.length, rng);
      sampleDirichlet(rng, { alpha, out: proportions });
      let total = 0;
      for (let c = 0; c < numClients; c++) {
        if ((bins[c] as number[]).length >= fairShare) proportions[c] = 0;
        total += proportions[c] as number;
      }
      if (total === 0) {
        // The draw put all its mass on clients that are already full: share the class among the others.
        for (let c = 0; c < numClients; c++) proportions[c] = (bins[c] as number[]).length >= fairShare ? 0 : 1;
        total = proportions.reduce((sum, p) => sum + p, 0);
      }
      let start = 0;
      let cumulative = 0;
      for (let c = 0; c < numClients; c++) {
        cumulative += proportions[c] as number;
        const end = c === numClients - 1 ? rows.length : Math.floor((cumulative / total) * rows.length);
        const bin = bins[c] as number[];
        for (let i = start; i < end; i++) bin.push(rows[order[i] as number] as number);
        start = Math.max(start, end);
      }
    }
    if (bins.every((bin) => bin.length >= minSamplesPerClient)) return finishPartition({ labels, bins, numClasses });
  }
  throw dataError(
    DataErrorCode.PARTITION_INFEASIBLE,
    `no Dirichlet(${alpha}) split in ${maxAttempts} attempts gave all ${numClients} clients at least ${minSamplesPerClient} samples; ` +
      'raise alpha or lower minSamplesPerClient',
    { context: { alpha, numClients, minSamplesPerClient, maxAttempts } },
  );
}

function rowsByClass(labels: ArrayLike<number>, numClasses: number): Uint32Array[] {
  const counts = new Uint32Array(numClasses);
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i] as number;
    counts[label] = (counts[label] as number) + 1;
  }
  const rows = Array.from(counts, (count) => new Uint32Array(count));
  const filled = new Uint32Array(numClasses);
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i] as number;
    const slot = filled[label] as number;
    (rows[label] as Uint32Array)[slot] = i;
    filled[label] = slot + 1;
  }
  return rows;
}
