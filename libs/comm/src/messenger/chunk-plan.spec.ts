import { ChunkPlan } from './chunk-plan.js';

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, index) => from + index);

describe('ChunkPlan', () => {
  const parts = [Uint8Array.from(range(0, 5)), new Uint8Array(0), Uint8Array.from(range(5, 7)), Uint8Array.from(range(7, 20))];

  it('cuts parts into chunks of views that span part boundaries', () => {
    const plan = new ChunkPlan(parts, 6);
    expect([plan.totalBytes, plan.chunkCount]).toEqual([20, 4]);
    expect(range(0, 4).map((index) => plan.lengthOf(index))).toEqual([6, 6, 6, 2]);
    expect(plan.slices(0).map((slice) => [...slice])).toEqual([range(0, 5), [5]]);
    expect(plan.slices(1).map((slice) => [...slice])).toEqual([[6], range(7, 12)]);
    expect(plan.slices(3).map((slice) => [...slice])).toEqual([[18, 19]]);
    expect(plan.slices(0)[0]?.buffer).toBe(parts[0]?.buffer);
  });

  it('handles an empty payload and chunks larger than the payload', () => {
    expect(new ChunkPlan([], 10).chunkCount).toBe(0);
    const one = new ChunkPlan(parts, 1000);
    expect(one.chunkCount).toBe(1);
    expect(Buffer.concat(one.slices(0))).toEqual(Buffer.from(range(0, 20)));
  });

  it('keeps offsets exact beyond 4 GiB (no 32-bit arithmetic)', () => {
    const unit = new Uint8Array(2 ** 30);
    unit[unit.byteLength - 1] = 9;
    const plan = new ChunkPlan([unit, unit, unit, unit, unit], 2 ** 20);
    expect(plan.totalBytes).toBe(5 * 2 ** 30);
    expect(plan.chunkCount).toBe(5 * 1024);
    const last = plan.slices(plan.chunkCount - 1);
    expect(last).toHaveLength(1);
    expect(last[0]?.byteOffset).toBe(2 ** 30 - 2 ** 20);
    expect(last[0]?.[2 ** 20 - 1]).toBe(9);
    const odd = 2 ** 20 + 1;
    const straddling = new ChunkPlan([unit, unit, unit, unit, unit], odd);
    const index = Math.floor(2 ** 32 / odd);
    const start = index * odd;
    expect(straddling.slices(index).map((slice) => [slice.byteOffset, slice.byteLength])).toEqual([
      [start - 3 * 2 ** 30, 2 ** 32 - start],
      [0, odd - (2 ** 32 - start)],
    ]);
  });
});
