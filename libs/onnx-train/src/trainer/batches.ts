import type { Tensor } from '@hearth/core';
import { allocData } from '@hearth/core';

/** One mini-batch: inputs `x` [N, ...] and targets `y` (int64 labels [N], or regression targets). */
export interface Batch {
  readonly x: Tensor;
  readonly y: Tensor;
}

/** Gives the batches of one epoch (called once per epoch, with the 0-based epoch number). */
export type BatchSource = (epoch: number) => Iterable<Batch> | AsyncIterable<Batch>;

/** True when two batches can be stacked (same dtypes and shapes). */
export function sameBatchShape(a: Batch, b: Batch): boolean {
  const same = (s: Tensor, t: Tensor): boolean => s.dtype === t.dtype && s.shape.length === t.shape.length && s.shape.every((d, i) => d === t.shape[i]);
  return same(a.x, b.x) && same(a.y, b.y);
}

function stack(tensors: readonly Tensor[]): Tensor {
  const first = tensors[0];
  if (first === undefined) throw new RangeError('stack needs at least one tensor');
  const size = first.data.length;
  const data = allocData(first.dtype, size * tensors.length);
  const target = new Uint8Array(data.buffer);
  const width = data.BYTES_PER_ELEMENT;
  tensors.forEach((t, i) => {
    target.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), i * size * width);
  });
  return { dtype: first.dtype, shape: [tensors.length, ...first.shape], data };
}

/** Stacks K equally shaped batches into one batch with a leading K axis, for Loop programs. */
export function stackBatches(batches: readonly Batch[]): Batch {
  return { x: stack(batches.map((b) => b.x)), y: stack(batches.map((b) => b.y)) };
}
