import { tensorsEqual } from '@hearth/core';
import { orderedBatches, shuffledBatches } from './batches.js';
import type { LabelledData, RowSet } from './labelled-data.js';

function toyRows(): RowSet {
  const count = 10;
  const features = 4;
  const x = Float32Array.from({ length: count * features }, (_, i) => Math.floor(i / features));
  const labels = Int32Array.from({ length: count }, (_, i) => i % 3);
  const data: LabelledData = { x, y: BigInt64Array.from(labels, (l) => BigInt(l)), labels, count, features, numClasses: 3 };
  return { data, rows: Uint32Array.of(1, 2, 4, 5, 7, 8, 9) };
}

describe('batches', () => {
  it('visits every row once per epoch in a seeded order, the last batch smaller, shaped for the model', () => {
    const rows = toyRows();
    const batches = [...shuffledBatches({ rows, batchSize: 3, exampleShape: [2, 2], seed: 11 })];
    expect(batches.map((b) => b.x.shape)).toEqual([[3, 2, 2], [3, 2, 2], [1, 2, 2]]);
    const seen = batches.flatMap((b) => [...(b.x.data as Float32Array)].filter((_, i) => i % 4 === 0));
    expect([...seen].sort((a, b) => a - b)).toEqual([1, 2, 4, 5, 7, 8, 9]);
    expect(batches.flatMap((b) => [...(b.y.data as BigInt64Array)])).toEqual(seen.map((row) => BigInt(row % 3)));
  });

  it('repeats an order for the same seed and changes it for another', () => {
    const rows = toyRows();
    const order = (seed: number) => [...shuffledBatches({ rows, batchSize: 7, exampleShape: [4], seed })][0]?.x;
    expect(tensorsEqual(order(3) as never, order(3) as never)).toBe(true);
    expect(tensorsEqual(order(3) as never, order(4) as never)).toBe(false);
  });

  it('keeps the stored order for evaluation', () => {
    const batches = [...orderedBatches({ rows: toyRows(), batchSize: 4, exampleShape: [4] })];
    expect(batches.map((b) => (b.x.data as Float32Array)[0])).toEqual([1, 7]);
  });
});
