import { DataKind, Dxo, f32, f64, tensor } from '@hearth/core';
import type { ParamMap } from '@hearth/core';
import { applyModelUpdate } from './apply-model-update.js';
import { WorkflowErrorCode } from './errors.js';

const global = (): ParamMap =>
  new Map([
    ['a', f32([2], [1, 2])],
    ['b', f32([1], [10])],
  ]);

describe('applyModelUpdate', () => {
  it('WEIGHTS replace the named tensors and keep the others, in the global order', () => {
    const g = global();
    const next = applyModelUpdate(g, new Dxo({ kind: DataKind.WEIGHTS, params: new Map([['b', f32([1], [7])]]) }));
    expect([...next.keys()]).toEqual(['a', 'b']);
    expect(Array.from(next.get('b')!.data as Float32Array)).toEqual([7]);
    expect(next.get('a')).toBe(g.get('a'));
  });

  it('WEIGHT_DIFF adds into a new buffer and leaves the old model untouched', () => {
    const g = global();
    const next = applyModelUpdate(g, new Dxo({ kind: DataKind.WEIGHT_DIFF, params: new Map([['a', f32([2], [0.5, -1])]]) }));
    expect(Array.from(next.get('a')!.data as Float32Array)).toEqual([1.5, 1]);
    expect(Array.from(g.get('a')!.data as Float32Array)).toEqual([1, 2]);
  });

  it('rejects mismatched layouts, unknown diff names, integer diffs and non-tensor kinds', () => {
    const g = global();
    const code = { code: WorkflowErrorCode.INVALID_MODEL };
    const update = (kind: 'WEIGHTS' | 'WEIGHT_DIFF', params: ParamMap) => () => applyModelUpdate(g, new Dxo({ kind, params }));
    expect(update(DataKind.WEIGHTS, new Map([['a', f32([3], [1, 2, 3])]]))).toThrow(expect.objectContaining(code));
    expect(update(DataKind.WEIGHTS, new Map([['a', f64([2], [1, 2])]]))).toThrow(expect.objectContaining(code));
    expect(update(DataKind.WEIGHT_DIFF, new Map([['zz', f32([1], [1])]]))).toThrow(expect.objectContaining(code));
    const ints: ParamMap = new Map([['i', tensor('I32', [1], Int32Array.from([1]))]]);
    expect(() => applyModelUpdate(ints, new Dxo({ kind: DataKind.WEIGHT_DIFF, params: ints }))).toThrow(expect.objectContaining(code));
    expect(() => applyModelUpdate(g, new Dxo({ kind: DataKind.METRICS, values: {} }))).toThrow(expect.objectContaining(code));
  });
});
