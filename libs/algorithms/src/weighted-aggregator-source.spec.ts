import { DataKind, Dxo, f32, f64, HeaderKey, MetaKey, Shareable, tensor } from '@hearth/core';
import type { ParamMap, ParamSource, Tensor, TensorData } from '@hearth/core';
import { serverContext } from './testing/server-context.js';
import { AlgorithmsErrorCode } from './errors.js';
import { WeightedAggregator } from './weighted-aggregator.js';

/** A ParamSource over in-memory tensors that hands them out `elementsPerSlice` at a time and counts loads. */
class SlicedSource implements ParamSource {
  readonly specs;
  loads = 0;
  readonly #params: ParamMap;
  readonly #elementsPerSlice: number;
  readonly #failAfterSlices: number;

  constructor(params: ParamMap, options: { elementsPerSlice: number; failAfterSlices?: number }) {
    this.#params = params;
    this.#elementsPerSlice = options.elementsPerSlice;
    this.#failAfterSlices = options.failAfterSlices ?? Infinity;
    this.specs = [...params].map(([name, t]) => ({ name, dtype: t.dtype, shape: t.shape }));
  }

  forEachSlice(name: string, _maxBytes: number, visit: (slice: TensorData, firstElement: number) => void): void {
    const data = (this.#params.get(name) as Tensor).data;
    let slices = 0;
    for (let first = 0; first < data.length; first += this.#elementsPerSlice) {
      if (slices === this.#failAfterSlices) throw new Error('the spool file is gone');
      visit(data.subarray(first, first + this.#elementsPerSlice), first);
      slices += 1;
    }
  }

  load(): ParamMap {
    this.loads += 1;
    return this.#params;
  }
}

function params(w: number[], b: number, h: number): ParamMap {
  return new Map<string, Tensor>([
    ['w', f32([w.length], w)],
    ['b', f64([1], [b])],
    ['h', tensor('F16', [1], Uint16Array.of(h))],
  ]);
}

function result(site: string, tensors: { params: ParamMap } | { paramSource: ParamSource }, steps: number): Shareable {
  const dxo = new Dxo({ kind: DataKind.WEIGHTS, ...tensors, meta: { [MetaKey.NUM_STEPS_CURRENT_ROUND]: steps } });
  return Shareable.fromDxo(dxo, { [HeaderKey.SITE_NAME]: site, [HeaderKey.CURRENT_ROUND]: 1 });
}

describe('WeightedAggregator with results whose tensors stay in a ParamSource', () => {
  it('folds them a slice at a time, never loading them, to the same mean as results in memory', () => {
    const ctx = serverContext({ round: 1 });
    const inMemory = new WeightedAggregator();
    const sliced = new WeightedAggregator();
    inMemory.reset(ctx);
    sliced.reset(ctx);
    const sources = [new SlicedSource(params([1, 2, 3, 4, 5], 1, 0x3c00), { elementsPerSlice: 2 }), new SlicedSource(params([5, 4, 3, 2, 1], 3, 0x4000), { elementsPerSlice: 3 })];
    sources.forEach((source, i) => {
      expect(inMemory.accept(result(`site-${i}`, { params: source.load() }, i + 1), ctx)).toBe(true);
      source.loads = 0;
      expect(sliced.accept(result(`site-${i}`, { paramSource: source }, i + 1), ctx)).toBe(true);
    });
    expect(sources.map((s) => s.loads)).toEqual([0, 0]);
    expect(sliced.aggregate(ctx).dxo?.params).toEqual(inMemory.aggregate(ctx).dxo?.params);
    expect(sliced.aggregate(ctx).dxo?.params?.get('w')?.data).toEqual(Float32Array.of(11 / 3, 10 / 3, 3, 8 / 3, 7 / 3));
  });

  it('checks a source-backed result against the round layout by its specs', () => {
    const ctx = serverContext({ round: 1 });
    const aggregator = new WeightedAggregator();
    aggregator.reset(ctx);
    expect(aggregator.accept(result('site-1', { params: params([1, 2], 1, 0) }, 1), ctx)).toBe(true);
    const wrongShape = new SlicedSource(params([1, 2, 3], 1, 0), { elementsPerSlice: 2 });
    expect(aggregator.accept(result('site-2', { paramSource: wrongShape }, 1), ctx)).toBe(false);
    expect(wrongShape.loads).toBe(0);
  });

  it('sums in float32 when asked and divides in the sums themselves: aggregate twice gives the same arrays', () => {
    const ctx = serverContext({ round: 1 });
    const aggregator = new WeightedAggregator({ sumDType: 'F32' });
    aggregator.reset(ctx);
    aggregator.accept(result('site-1', { params: new Map([['w', f32([2], [1, 2])]]) }, 1), ctx);
    aggregator.accept(result('site-2', { params: new Map([['w', f32([2], [3, 6])]]) }, 3), ctx);
    const first = aggregator.aggregate(ctx).dxo?.params?.get('w');
    expect(first?.data).toEqual(Float32Array.of(2.5, 5));
    expect(aggregator.aggregate(ctx).dxo?.params?.get('w')?.data).toBe(first?.data);
    expect(aggregator.accept(result('site-3', { params: new Map([['w', f32([2], [0, 0])]]) }, 1), ctx)).toBe(false);
    expect(() => new WeightedAggregator({ sumDType: 'F16' as never })).toThrow(expect.objectContaining({ code: AlgorithmsErrorCode.INVALID_OPTIONS }) as Error);
  });

  it('refuses to aggregate a round in which a result failed half-way through being folded in', () => {
    const ctx = serverContext({ round: 1 });
    const aggregator = new WeightedAggregator();
    aggregator.reset(ctx);
    expect(aggregator.accept(result('site-1', { params: params([1, 2, 3, 4], 1, 0) }, 1), ctx)).toBe(true);
    const failing = new SlicedSource(params([1, 2, 3, 4], 1, 0), { elementsPerSlice: 1, failAfterSlices: 2 });
    expect(aggregator.accept(result('site-2', { paramSource: failing }, 1), ctx)).toBe(false);
    expect(() => aggregator.aggregate(ctx)).toThrow(
      expect.objectContaining({ code: AlgorithmsErrorCode.RESULT_UNREADABLE, message: expect.stringContaining('site-2') as string }) as Error,
    );
    aggregator.reset(ctx);
    expect(aggregator.accept(result('site-1', { params: params([1, 2, 3, 4], 1, 0) }, 1), ctx)).toBe(true);
    expect(aggregator.aggregate(ctx).dxo?.params?.get('w')?.data).toEqual(Float32Array.of(1, 2, 3, 4));
  });
});
