import type { Tensor } from '@hearth/core';

/** True when two shapes are equal dimension by dimension. */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** `F32[2, 3]`, for messages. */
export function describeTensor(t: Pick<Tensor, 'dtype' | 'shape'>): string {
  return `${t.dtype}[${t.shape.join(', ')}]`;
}
