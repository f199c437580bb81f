import type { DType, Tensor } from '@hearth/core';
import { nodeError } from './node-attrs.js';
import type { Dim, NodeDef, ValueType } from './types.js';

/** What an inference rule sees: the node, its input types and the values of constant inputs. */
export interface InferContext {
  readonly node: NodeDef;
  /** Type of input `i`; fails naming the node when the input is missing. */
  input(i: number): ValueType;
  /** Type of input `i`, or undefined when the optional input is absent. */
  optionalInput(i: number): ValueType | undefined;
  /** Value of input `i` when it is an initializer or a Constant output. */
  constant(i: number): Tensor | undefined;
}

/** Infers the output types of one op. */
export type InferRule = (ctx: InferContext) => ValueType[];

/** Floating-point dtypes. */
export const FLOATS: readonly DType[] = ['F32', 'F64', 'F16', 'BF16'];

/** Index dtypes (Gather, labels). */
export const INDEX: readonly DType[] = ['I64', 'I32'];

/** Throws INVALID_NODE naming the node and its op. */
export function fail(ctx: InferContext, message: string): never {
  throw nodeError(ctx.node, message);
}

/** Type of input `i`, failing unless its dtype is one of `allowed`. */
export function requireDType(ctx: InferContext, i: number, allowed: readonly DType[]): ValueType {
  const t = ctx.input(i);
  if (!allowed.includes(t.dtype)) fail(ctx, `input ${i} ("${ctx.node.inputs[i]}") has dtype ${t.dtype}; expected one of ${allowed.join(', ')}`);
  return t;
}

/** The dtype shared by the given inputs, failing when they differ. */
export function sameDType(ctx: InferContext, indices: readonly number[]): DType {
  const first = ctx.input(indices[0] ?? 0).dtype;
  for (const i of indices) {
    const t = ctx.optionalInput(i);
    if (t !== undefined && t.dtype !== first) fail(ctx, `input ${i} has dtype ${t.dtype} but input ${indices[0]} has ${first}`);
  }
  return first;
}

/** A non-negative axis for `rank`, failing when out of range. */
export function normAxis(ctx: InferContext, axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank) fail(ctx, `axis ${axis} is out of range for rank ${rank}`);
  return a;
}

/** Numpy (multidirectional) broadcast of shapes. Symbols are assumed to equal the size they meet. */
export function broadcastShapes(ctx: InferContext, shapes: readonly (readonly Dim[])[]): Dim[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    let dim: Dim = 1;
    for (const shape of shapes) {
      const d = shape[shape.length - rank + i] ?? 1;
      if (d === 1 || d === dim) continue;
      if (dim === 1) dim = d;
      else if (typeof d === 'number' && typeof dim === 'number') {
        fail(ctx, `shapes ${shapes.map((s) => `[${s.join(', ')}]`).join(' and ')} do not broadcast`);
      } else if (typeof dim === 'string' && typeof d === 'number') dim = d;
    }
    out.push(dim);
  }
  return out;
}

/** Product of dims; one unknown dim makes the result the fresh symbol `fresh`. */
export function product(dims: readonly Dim[], fresh: string): Dim {
  if (dims.length === 1 && dims[0] !== undefined) return dims[0];
  let n = 1;
  for (const d of dims) {
    if (typeof d !== 'number') return fresh;
    n *= d;
  }
  return n;
}

/** The elements of an integer tensor as numbers. */
export function intValues(t: Tensor): number[] {
  return Array.from(t.data as ArrayLike<number | bigint>, (v) => Number(v));
}

/** The values of constant integer input `i`, or undefined when it is not constant. */
export function constInts(ctx: InferContext, i: number, what: string): number[] | undefined {
  const t = ctx.constant(i);
  if (t === undefined) return undefined;
  if (!INDEX.includes(t.dtype)) fail(ctx, `${what} (input ${i}) must be int64, got ${t.dtype}`);
  return intValues(t);
}
