import { labelHistogram } from './label-partition.js';
import type { LabelPartition } from './label-partition.js';
import { partitionDirichlet } from './partition-dirichlet.js';
import { partitionIid } from './partition-iid.js';

/** 2,000 rows over 10 balanced classes. */
const labels = Int32Array.from({ length: 2000 }, (_, i) => i % 10);

function expectExactCover(partition: LabelPartition, rows: number): void {
  const numClasses = partition.numClasses;
  const all = partition.indices.flatMap((rowsOfClient) => [...rowsOfClient]).sort((a, b) => a - b);
  expect(all).toEqual(Array.from({ length: rows }, (_, i) => i));
  partition.indices.forEach((rowsOfClient, c) => {
    expect([...rowsOfClient]).toEqual([...rowsOfClient].sort((a, b) => a - b));
    expect(partition.histogram[c]).toEqual(labelHistogram(labels, { indices: rowsOfClient, numClasses }));
  });
}

/** Mean over clients of the share of the client's most common class: 0.1 for balanced 10 classes, 1 for one class each. */
function dominance(partition: LabelPartition): number {
  const shares = partition.histogram.map((h) => Math.max(...h) / h.reduce((a, b) => a + b, 0));
  return shares.reduce((a, b) => a + b, 0) / shares.length;
}

describe('partitionIid', () => {
  it('splits into sizes that differ by at most one and covers every row once', () => {
    const p = partitionIid({ labels, numClients: 7, seed: 1 });
    expect(p.indices.map((rows) => rows.length)).toEqual([286, 286, 286, 286, 286, 285, 285]);
    expectExactCover(p, labels.length);
    expect(dominance(p)).toBeLessThan(0.2);
  });

  it('is deterministic for a seed', () => {
    const a = partitionIid({ labels, numClients: 4, seed: 9 });
    expect(partitionIid({ labels, numClients: 4, seed: 9 })).toEqual(a);
    expect(partitionIid({ labels, numClients: 4, seed: 10 }).indices).not.toEqual(a.indices);
  });

  it('refuses more clients than rows allow', () => {
    expect(() => partitionIid({ labels: Int32Array.from([0, 1, 0]), numClients: 4, seed: 1 })).toThrow(
      expect.objectContaining({ code: 'HEARTH_ERR_DATA_PARTITION_INFEASIBLE' }),
    );
  });
});

describe('partitionDirichlet', () => {
  it('is deterministic for a seed and changes with the seed', () => {
    const a = partitionDirichlet({ labels, numClients: 5, alpha: 0.5, seed: 42 });
    expect(partitionDirichlet({ labels, numClients: 5, alpha: 0.5, seed: 42 })).toEqual(a);
    expect(partitionDirichlet({ labels, numClients: 5, alpha: 0.5, seed: 43 }).histogram).not.toEqual(a.histogram);
    expectExactCover(a, labels.length);
  });

  it('gives more skewed label histograms for smaller alpha', () => {
    const skew = (alpha: number): number => {
      let total = 0;
      for (let seed = 0; seed < 5; seed++) total += dominance(partitionDirichlet({ labels, numClients: 8, alpha, seed }));
      return total / 5;
    };
    const tiny = skew(0.05);
    const small = skew(0.5);
    const large = skew(100);
    expect(tiny).toBeGreaterThan(small);
    expect(small).toBeGreaterThan(large);
    expect(tiny).toBeGreaterThan(0.5);
    expect(large).toBeLessThan(0.2);
  });

  it('gives every client at least the minimum number of samples', () => {
    for (let seed = 0; seed < 10; seed++) {
      const p = partitionDirichlet({ labels, numClients: 10, alpha: 0.1, seed, minSamplesPerClient: 50 });
      for (const rows of p.indices) expect(rows.length).toBeGreaterThanOrEqual(50);
    }
  });

  it('fails with a coded error when the minimum cannot be met', () => {
    expect(() => partitionDirichlet({ labels, numClients: 10, alpha: 1, seed: 1, minSamplesPerClient: 201 })).toThrow(
      expect.objectContaining({ code: 'HEARTH_ERR_DATA_PARTITION_INFEASIBLE' }),
    );
    expect(() =>
      partitionDirichlet({ labels, numClients: 10, alpha: 0.01, seed: 1, minSamplesPerClient: 190, maxAttempts: 3 }),
    ).toThrow(expect.objectContaining({ code: 'HEARTH_ERR_DATA_PARTITION_INFEASIBLE', message: expect.stringContaining('in 3 attempts') }));
  });

  it('validates its options and labels', () => {
    expect(() => partitionDirichlet({ labels, numClients: 2, alpha: 0, seed: 1 })).toThrow(
      expect.objectContaining({ code: 'HEARTH_ERR_DATA_INVALID_ARGUMENT' }),
    );
    expect(() => partitionDirichlet({ labels, numClients: 0, alpha: 1, seed: 1 })).toThrow(
      expect.objectContaining({ code: 'HEARTH_ERR_DATA_INVALID_ARGUMENT' }),
    );
    expect(() => partitionDirichlet({ labels: Int32Array.from([0, -1]), numClients: 1, alpha: 1, seed: 1, minSamplesPerClient: 1 })).toThrow(
      expect.objectContaining({ code: 'HEARTH_ERR_DATA_DATASET_MISMATCH' }),
    );
    expect(() => partitionIid({ labels, numClients: 2, seed: 1, numClasses: 5 })).toThrow(
      expect.objectContaining({ code: 'HEARTH_ERR_DATA_DATASET_MISMATCH' }),
    );
  });

  it('counts classes that no row has when numClasses says so', () => {
    const p = partitionDirichlet({ labels, numClients: 2, alpha: 1, seed: 1, numClasses: 12 });
    for (const h of p.histogram) expect(h).toHaveLength(12);
    expectExactCover(p, labels.length);
  });
});
