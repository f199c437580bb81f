import { batchCount, iterateBatches } from './batches.js';
import { createDataset, selectRows } from './dataset.js';
import { seededPermutation, shuffleDataset } from './shuffle.js';

const ds = createDataset({
  x: Float32Array.from({ length: 10 * 2 }, (_, i) => i),
  y: Int32Array.from({ length: 10 }, (_, i) => i),
  shape: [10, 2],
});

describe('iterateBatches', () => {
  it('keeps the last partial batch by default and can drop it', () => {
    expect([...iterateBatches(ds, { batchSize: 4 })].map((b) => b.shape)).toEqual([[4, 2], [4, 2], [2, 2]]);
    expect([...iterateBatches(ds, { batchSize: 4, dropLast: true })].map((b) => b.shape)).toEqual([[4, 2], [4, 2]]);
    expect(batchCount(10, { batchSize: 4 })).toBe(3);
    expect(batchCount(10, { batchSize: 4, dropLast: true })).toBe(2);
    expect(batchCount(8, { batchSize: 4 })).toBe(2);
  });

  it('yields views in dataset order', () => {
    const batches = [...iterateBatches(ds, { batchSize: 3 })];
    expect(batches.map((b) => b.index)).toEqual([0, 1, 2, 3]);
    const second = batches[1];
    expect([...(second?.y ?? [])]).toEqual([3, 4, 5]);
    expect([...(second?.x ?? [])]).toEqual([6, 7, 8, 9, 10, 11]);
    expect(second?.x.buffer).toBe(ds.x.buffer);
  });

  it('gathers rows in a given order, labels staying with their rows', () => {
    const order = seededPermutation(10, 1);
    const batches = [...iterateBatches(ds, { batchSize: 4, order })];
    const seen = batches.flatMap((b) => [...b.y]);
    expect(seen).toEqual([...order]);
    for (const b of batches) {
      expect(b.x.buffer).not.toBe(ds.x.buffer);
      b.y.forEach((label, i) => expect(b.x[i * 2]).toBe(label * 2));
    }
  });

  it('keeps image shapes after the batch dimension', () => {
    const images = createDataset({ x: new Float32Array(5 * 4), y: new Int32Array(5), shape: [5, 2, 2] });
    expect([...iterateBatches(images, { batchSize: 2 })].map((b) => b.shape)).toEqual([[2, 2, 2], [2, 2, 2], [1, 2, 2]]);
  });

  it('rejects a batch size below 1', () => {
    expect(() => [...iterateBatches(ds, { batchSize: 0 })]).toThrow(expect.objectContaining({ code: 'HEARTH_ERR_DATA_INVALID_ARGUMENT' }));
  });
});

describe('shuffling', () => {
  it('draws a deterministic permutation for a seed', () => {
    const a = seededPermutation(1000, 5);
    expect([...a].sort((p, q) => p - q)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect([...seededPermutation(1000, 5)]).toEqual([...a]);
    expect([...seededPermutation(1000, 6)]).not.toEqual([...a]);
  });

  it('shuffles a dataset as a copy with rows and labels together', () => {
    const shuffled = shuffleDataset(ds, { seed: 3 });
    expect([...shuffled.y]).not.toEqual([...ds.y]);
    shuffled.y.forEach((label, i) => {
      expect(shuffled.x[i * 2]).toBe(label * 2);
      expect(shuffled.x[i * 2 + 1]).toBe(label * 2 + 1);
    });
    expect([...ds.y]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('rejects out-of-range row indices', () => {
    expect(() => selectRows(ds, [10])).toThrow(expect.objectContaining({ code: 'HEARTH_ERR_DATA_INVALID_ARGUMENT' }));
  });
});

describe('createDataset', () => {
  it('rejects arrays that disagree with the shape', () => {
    expect(() => createDataset({ x: new Float32Array(5), y: new Int32Array(2), shape: [2, 2] })).toThrow(
      expect.objectContaining({ code: 'HEARTH_ERR_DATA_DATASET_MISMATCH' }),
    );
    expect(() => createDataset({ x: new Float32Array(4), y: new Int32Array(3), shape: [2, 2] })).toThrow(
      expect.objectContaining({ code: 'HEARTH_ERR_DATA_DATASET_MISMATCH', message: 'dataset has 2 rows but 3 labels' }),
    );
  });
});
