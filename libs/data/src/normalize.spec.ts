import { createDataset } from './dataset.js';
import type { Dataset } from './dataset.js';
import { minMaxScaleInPlace } from './min-max-scale.js';
import { standardizeInPlace } from './standardize.js';

function table(rows: number[][]): Dataset<Int32Array> {
  const features = rows[0]?.length ?? 0;
  return createDataset({ x: Float32Array.from(rows.flat()), y: new Int32Array(rows.length), shape: [rows.length, features] });
}

describe('minMaxScaleInPlace', () => {
  it('scales each feature by its observed range; constant features become 0', () => {
    const ds = table([
      [0, 10, 5],
      [5, 20, 5],
      [10, 30, 5],
    ]);
    const range = minMaxScaleInPlace(ds);
    expect([...ds.x]).toEqual([0, 0, 0, 0.5, 0.5, 0, 1, 1, 0]);
    expect([...range.min]).toEqual([0, 10, 5]);
    expect([...range.max]).toEqual([10, 30, 5]);
  });

  it('uses a given range, broadcast or per feature, without clipping', () => {
    const pixels = table([[0, 51, 255, 510]]);
    minMaxScaleInPlace(pixels, { min: 0, max: 255 });
    expect(pixels.x).toEqual(Float32Array.from([0, 0.2, 1, 2]));
    const test = table([[5, 5]]);
    minMaxScaleInPlace(test, { min: [0, 10], max: [10, 20] });
    expect([...test.x]).toEqual([0.5, -0.5]);
  });

  it('rejects a range with the wrong number of features', () => {
    expect(() => minMaxScaleInPlace(table([[1, 2]]), { min: [0], max: 1 })).toThrow(
      expect.objectContaining({ code: 'HEARTH_ERR_DATA_INVALID_ARGUMENT', message: 'min has 1 values for 2 features' }),
    );
  });
});

describe('standardizeInPlace', () => {
  it('computes mean and population std per feature and gives each feature mean 0, std 1', () => {
    const ds = table([
      [1, 100, 7],
      [2, 200, 7],
      [3, 300, 7],
      [4, 400, 7],
    ]);
    const moments = standardizeInPlace(ds);
    expect([...moments.mean]).toEqual([2.5, 250, 7]);
    expect(moments.std[0]).toBeCloseTo(Math.sqrt(1.25), 12);
    expect(moments.std[2]).toBe(1);
    for (let f = 0; f < 3; f++) {
      const column = [0, 1, 2, 3].map((r) => ds.x[r * 3 + f] as number);
      const mean = column.reduce((a, b) => a + b, 0) / 4;
      const variance = column.reduce((a, b) => a + (b - mean) ** 2, 0) / 4;
      expect(mean).toBeCloseTo(0, 6);
      expect(variance).toBeCloseTo(f === 2 ? 0 : 1, 5);
    }
  });

  it('applies given statistics, so a test set matches its training set', () => {
    const ds = table([[3, 3]]);
    standardizeInPlace(ds, { mean: [1, 2], std: 2 });
    expect([...ds.x]).toEqual([1, 0.5]);
    expect(() => standardizeInPlace(ds, { std: [1, 0] })).toThrow(expect.objectContaining({ code: 'HEARTH_ERR_DATA_INVALID_ARGUMENT' }));
  });
});
