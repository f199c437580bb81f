import { allocData } from '@hearth/core';
import type { DType, TensorData } from '@hearth/core';
import { BFLOAT16, decodeTable, encodeSmallFloat, HALF } from './small-float.js';

/** Dtypes whose elements are averaged: IEEE floats of 64, 32 and 16 bits and bfloat16. */
export type AveragedDType = 'F64' | 'F32' | 'F16' | 'BF16';

/** True for dtypes a weighted mean makes sense for. Integer and boolean tensors (counters, masks, indices) do not. */
export function isAveragedDType(dtype: DType): dtype is AveragedDType {
  return dtype === 'F64' || dtype === 'F32' || dtype === 'F16' || dtype === 'BF16';
}

/** Adds `weight × data` into `sum`, element by element, in place. `data` holds `dtype` elements. */
export function addWeighted(options: {
  readonly sum: Float64Array;
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

/** `sum / total` as a new array of `dtype` (rounded to nearest, ties to even, for 16-bit floats). */
export function weightedMean(options: { readonly sum: Float64Array; readonly total: number; readonly dtype: AveragedDType }): TensorData {
  const { sum, total, dtype } = options;
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
