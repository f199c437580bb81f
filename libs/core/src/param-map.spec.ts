import { isHearthError } from './errors.js';
import {
  allocData,
  cloneParamMap,
  f32,
  numelOf,
  paramMapByteLength,
  paramMapsEqual,
  tensor,
  tensorsEqual,
  viewData,
  zeros,
} from './param-map.js';
import type { ParamMap } from './param-map.js';

describe('tensor', () => {
  it('accepts data whose length matches the shape', () => {
    const t = tensor('F32', [2, 3], new Float32Array(6));
    expect(t.shape).toEqual([2, 3]);
    expect(numelOf([])).toBe(1);
  });

  it('rejects a length mismatch with a coded error', () => {
    expect.assertions(2);
    try {
      tensor('F32', [2, 3], new Float32Array(5));
    } catch (err) {
      expect(isHearthError(err, 'HEARTH_ERR_INVALID_TENSOR')).toBe(true);
      expect((err as Error).message).toContain('needs 6 elements, got 5');
    }
  });

  it('rejects the wrong typed array and bad dimensions', () => {
    expect(() => tensor('F64', [1], new Float32Array(1) as unknown as Float64Array)).toThrow(/Float64Array/);
    expect(() => zeros('F32', [2, -1])).toThrow(/invalid dimension -1/);
    expect(() => zeros('F32', [1.5])).toThrow(/invalid dimension 1.5/);
  });

  it('makes zero-copy views over a shared buffer', () => {
    const buf = new ArrayBuffer(16);
    const view = viewData('F32', { buffer: buf, byteOffset: 8, byteLength: 8 });
    view[1] = 3;
    expect(new Float32Array(buf)[3]).toBe(3);
    expect(allocData('I64', 2)).toBeInstanceOf(BigInt64Array);
  });
});

describe('param maps', () => {
  const build = (): ParamMap =>
    new Map([
      ['w', f32([2], [1, 2])],
      ['b', f32([1], [NaN])],
    ]);

  it('clones deeply and compares bit for bit, NaN included', () => {
    const a = build();
    const b = cloneParamMap(a);
    expect(paramMapsEqual(a, b)).toBe(true);
    (b.get('w')?.data as Float32Array)[0] = 5;
    expect(paramMapsEqual(a, b)).toBe(false);
    expect(a.get('w')?.data[0]).toBe(1);
  });

  it('treats order, names and dtypes as significant', () => {
    const a = build();
    const reordered: ParamMap = new Map([...a.entries()].reverse());
    expect(paramMapsEqual(a, reordered)).toBe(false);
    expect(tensorsEqual(f32([2], [1, 2]), tensor('F64', [2], Float64Array.from([1, 2])))).toBe(false);
    expect(paramMapByteLength(a)).toBe(12);
  });
});
