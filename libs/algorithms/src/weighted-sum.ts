import { allocData } from '@hearth/core';
import type { DType, TensorData } from '@hearth/core';
import { BFLOAT16, decodeTable, encodeSmallFloat, HALF } from './small-float.js';

/** Dtypes whose elements are averaged: IEEE floats of 64, 32 and 16 bits and bfloat16. */
export type AveragedDType = 'F64' | 'F32' | 'F16' | 'BF16';

/** True for dtypes a weighted mean makes sense for. Integer and boolean tensors (counters, masks, indices) do not. */
export function isAveragedDType(dtype: DType): dtype is AveragedDType {
  return dtype === 'F64' || dtype === 'F32' || dtype === 'F16' || dtype === 'BF16';
}

/** The running sums' element type: Float64 (default), or Float32 to halve the memory of a very large model. */
export type SumArray = Float64Array | Float32Array;

/** Adds `weight × data` into `sum`, element by element, in place. `data` holds `dtype` elements, as many as `sum`. */
export function addWeighted(options: {
  readonly sum: SumArray;
  readonly data: TensorData;
  readonly dtype: AveragedDType;
  readonly weight: number;
}): void {
  const { sum, weight } = options;
  const n = sum.length;
  if (options.dtype === 'F16' || options.dtype === 'BF16') {
    const table = decodeTable(options.dtype === 'F16' ? HALF : BFLOAT16);
    const bits = options.data as Uint16Array;
    for (let i = 0; i < n; i++) sum[i] = (sum[i] as number) + weight * (table[bits[i] as number] as number);
    return;
  }
  const values = options.data as Float32Array | Float64Array;
  for (let i = 0; i < n; i++) sum[i] = (sum[i] as number) + weight * (values[i] as number);
}

/**
 * `sum / total` as an array of `dtype` (rounded to nearest, ties to even, for 16-bit floats): a new array, or
 * `sum` itself, divided in place, when `inPlace` is set and `sum` already has `dtype`'s element type (F32 sums of
 * F32 tensors, F64 of F64), so a model too large to hold three times needs no third copy.
 */
export function weightedMean(options: { readonly sum: SumArray; readonly total: number; readonly dtype: AveragedDType; readonly inPlace?: boolean }): TensorData {
  const { sum, total, dtype } = options;
  if (options.inPlace === true && ((dtype === 'F32' && sum instanceof Float32Array) || (dtype === 'F64' && sum instanceof Float64Array))) {
    for (let i = 0; i < sum.length; i++) sum[i] = (sum[i] as number) / total;
    return sum;
  }
  const n = sum.length;
  if (dtype === 'F16' || dtype === 'BF16') {
    const format = dtype === 'F16' ? HALF : BFLOAT16;
    const out = allocData(dtype, n);
    for (let i = 0; i < n; i++) out[i] = encodeSmallFloat((sum[i] as number) / total, format);
    return out;
  }
  const out = allocData(dtype, n);
  for (let i = 0; i < n; i++) out[i] = (sum[i] as number) / total;
  return out;
}
