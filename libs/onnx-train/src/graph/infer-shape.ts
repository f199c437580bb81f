import { OnnxTrainErrorCode } from '../errors.js';
import { attrGraph, attrInt, attrInts, attrTensor, nodeError } from './node-attrs.js';
import { INDEX, broadcastShapes, constInts, fail, normAxis, product, requireDType, sameDType } from './infer-context.js';
import type { InferContext, InferRule } from './infer-context.js';
import type { Dim, Graph, ValueType } from './types.js';

function flatten(ctx: InferContext): ValueType[] {
  const t = ctx.input(0);
  const rank = t.shape.length;
  const raw = attrInt(ctx.node, 'axis', 1);
  const axis = raw < 0 ? raw + rank : raw;
  if (axis < 0 || axis > rank) fail(ctx, `axis ${raw} is out of range for rank ${rank}`);
  return [
    {
      dtype: t.dtype,
      shape: [product(t.shape.slice(0, axis), `${ctx.node.name}:0`), product(t.shape.slice(axis), `${ctx.node.name}:1`)],
    },
  ];
}

/** Reshape's output shape for a known target, following ONNX's 0 (copy) and -1 (infer) rules. */
function reshapeTarget(ctx: InferContext, input: readonly Dim[], target: readonly number[]): Dim[] {
  const allowZero = attrInt(ctx.node, 'allowzero', 0) === 1;
  const out: Dim[] = [];
  let inferAt = -1;
  target.forEach((d, i) => {
    if (d === 0 && !allowZero) out.push(input[i] ?? fail(ctx, `shape copies dimension ${i} which the input lacks`));
    else if (d === -1) {
      if (inferAt >= 0) fail(ctx, 'shape has more than one -1');
      inferAt = i;
      out.push(-1);
    } else if (d < 0) fail(ctx, `shape has invalid dimension ${d}`);
    else out.push(d);
  });
  const symbols = input.filter((d): d is string => typeof d === 'string');
  let numeric = 1;
  for (const d of input) if (typeof d === 'number') numeric *= d;
  let known = 1;
  const remaining = [...symbols];
  out.forEach((d, i) => {
    if (i === inferAt) return;
    if (typeof d === 'string') {
      const at = remaining.indexOf(d);
      if (at >= 0) remaining.splice(at, 1);
    } else known *= d;
  });
  if (inferAt < 0) {
    if (remaining.length === 0 && symbols.length === 0 && known !== numeric) {
      fail(ctx, `cannot reshape [${input.join(', ')}] (${numeric} elements) to [${target.join(', ')}]`);
    }
    return out;
  }
  if (remaining.length === 0) {
    if (known === 0 || numeric % known !== 0) fail(ctx, `cannot reshape [${input.join(', ')}] to [${target.join(', ')}]`);
    out[inferAt] = numeric / known;
  } else if (remaining.length === 1 && known === numeric) {
    out[inferAt] = remaining[0] ?? `${ctx.node.name}:${inferAt}`;
  } else {
    out[inferAt] = `${ctx.node.name}:${inferAt}`;
  }
  return out;
}

function reshape(ctx: InferContext): ValueType[] {
  const t = ctx.input(0);
  const s = requireDType(ctx, 1, ['I64']);
  if (s.shape.length !== 1) fail(ctx, 'shape (input 1) must be a 1-D int64 tensor');
  const target = constInts(ctx, 1, 'shape');
  if (target !== undefined) return [{ dtype: t.dtype, shape: reshapeTarget(ctx, t.shape, target) }];
  const rank = s.shape[0];
  if (typeof rank !== 'number') fail(ctx, 'shape (input 1) must have a known length');
  return [{ dtype: t.dtype, shape: Array.from({ length: rank }, (_, i) => `${ctx.node.name}:${i}`) }];
}

function transpose(ctx: InferContext): ValueType[] {
  const t = ctx.input(0);
  const rank = t.shape.length;
  const perm = attrInts(ctx.node, 'perm') ?? t.shape.map((_, i) => rank - 1 - i);
  if (perm.length !== rank || [...perm].sort((a, b) => a - b).some((p, i) => p !== i)) {
    fail(ctx, `perm [${perm.join(', ')}] is not a permutation of ${rank} axes`);
  }
  return [{ dtype: t.dtype, shape: perm.map((p) => t.shape[p] ?? 1) }];
}

function concat(ctx: InferContext): ValueType[] {
  const indices = ctx.node.inputs.map((_, i) => i);
  if (indices.length === 0) fail(ctx, 'needs at least one input');
  const dtype = sameDType(ctx, indices);
  const first = ctx.input(0).shape;
  const axis = normAxis(ctx, attrInt(ctx.node, 'axis', Number.NaN), first.length);
  let total: Dim = 0;
  for (const i of indices) {
    const s = ctx.input(i).shape;
    if (s.length !== first.length) fail(ctx, `input ${i} has rank ${s.length}, input 0 has ${first.length}`);
    s.forEach((d, j) => {
      const f = first[j];
      if (j !== axis && typeof d === 'number' && typeof f === 'number' && d !== f) fail(ctx, `input ${i} differs from input 0 on axis ${j}`);
    });
    const d = s[axis];
    total = typeof total === 'number' && typeof d === 'number' ? total + d : `${ctx.node.name}:${axis}`;
  }
  return [{ dtype, shape: first.map((d, j) => (j === axis ? total : d)) }];
}

function split(ctx: InferContext): ValueType[] {
  const t = ctx.input(0);
  const axis = normAxis(ctx, attrInt(ctx.node, 'axis', 0), t.shape.length);
  const count = ctx.node.outputs.length;
  let sizes = ctx.optionalInput(1) === undefined ? undefined : constInts(ctx, 1, 'split');
  const dim = t.shape[axis];
  if (sizes === undefined && ctx.optionalInput(1) === undefined && typeof dim === 'number') {
    if (dim % count !== 0) fail(ctx, `axis ${axis} of size ${dim} does not split into ${count} equal parts`);
    sizes = new Array<number>(count).fill(dim / count);
  }
  if (sizes !== undefined && sizes.length !== count) fail(ctx, `split has ${sizes.length} sizes for ${count} outputs`);
  if (sizes !== undefined && typeof dim === 'number' && sizes.reduce((a, b) => a + b, 0) !== dim) {
    fail(ctx, `split sizes [${sizes.join(', ')}] do not add up to ${dim}`);
  }
  return ctx.node.outputs.map((_, i) => ({
    dtype: t.dtype,
    shape: t.shape.map((d, j) => (j === axis ? (sizes?.[i] ?? `${ctx.node.name}:${i}`) : d)),
  }));
}

function slice(ctx: InferContext): ValueType[] {
  const t = ctx.input(0);
  const starts = constInts(ctx, 1, 'starts');
  const ends = constInts(ctx, 2, 'ends');
  const axesIn = ctx.optionalInput(3) === undefined ? undefined : constInts(ctx, 3, 'axes');
  const steps = ctx.optionalInput(4) === undefined ? undefined : constInts(ctx, 4, 'steps');
  const shape: Dim[] = [...t.shape];
  if (starts === undefined || ends === undefined || (ctx.optionalInput(3) !== undefined && axesIn === undefined)) {
    return [{ dtype: t.dtype, shape: shape.map((_, i) => `${ctx.node.name}:${i}`) }];
  }
  const axes = axesIn ?? starts.map((_, i) => i);
  axes.forEach((rawAxis, i) => {
    const axis = normAxis(ctx, rawAxis, t.shape.length);
    const size = t.shape[axis];
    const step = steps?.[i] ?? 1;
    if (step === 0) fail(ctx, 'slice step must not be 0');
    if (typeof size !== 'number') {
      shape[axis] = `${ctx.node.name}:${axis}`;
      return;
    }
    const clamp = (v: number, lo: number, hi: number): number => Math.min(Math.max(v < 0 ? v + size : v, lo), hi);
    const s = step > 0 ? clamp(starts[i] ?? 0, 0, size) : clamp(starts[i] ?? 0, -1, size - 1);
    const e = step > 0 ? clamp(ends[i] ?? 0, 0, size) : clamp(ends[i] ?? 0, -1, size - 1);
    shape[axis] = Math.max(0, Math.ceil((e - s) / step));
  });
  return [{ dtype: t.dtype, shape }];
}

function squeeze(ctx: InferContext): ValueType[] {
  const t = ctx.input(0);
  const raw = ctx.optionalInput(1) === undefined ? undefined : constInts(ctx, 1, 'axes');
  if (ctx.optionalInput(1) !== undefined && raw === undefined) fail(ctx, 'axes (input 1) must be a constant');
  const axes = raw?.map((a) => normAxis(ctx, a, t.shape.length)) ?? t.shape.flatMap((d, i) => (d === 1 ? [i] : []));
  for (const a of axes) {
    const d = t.shape[a];
    if (typeof d === 'number' && d !== 1) fail(ctx, `axis ${a} has size ${d}, not 1`);
  }
  return [{ dtype: t.dtype, shape: t.shape.filter((_, i) => !axes.includes(i)) }];
}

function unsqueeze(ctx: InferContext): ValueType[] {
  const t = ctx.input(0);
  const raw = constInts(ctx, 1, 'axes');
  if (raw === undefined) fail(ctx, 'axes (input 1) must be a constant');
  const rank = t.shape.length + raw.length;
  const axes = raw.map((a) => normAxis(ctx, a, rank));
  const shape: Dim[] = [];
  let j = 0;
  for (let i = 0; i < rank; i++) shape.push(axes.includes(i) ? 1 : (t.shape[j++] ?? 1));
  return [{ dtype: t.dtype, shape }];
}

function reduce(ctx: InferContext): ValueType[] {
  const t = ctx.input(0);
  const keep = attrInt(ctx.node, 'keepdims', 1) === 1;
  let axes: readonly number[] | undefined;
  if (ctx.node.op === 'ReduceSum') {
    if (ctx.optionalInput(1) !== undefined) {
      axes = constInts(ctx, 1, 'axes');
      if (axes === undefined) fail(ctx, 'axes (input 1) must be a constant');
    }
    if ((axes === undefined || axes.length === 0) && attrInt(ctx.node, 'noop_with_empty_axes', 0) === 1) return [t];
  } else axes = attrInts(ctx.node, 'axes');
  const rank = t.shape.length;
  const set = new Set((axes === undefined || axes.length === 0 ? t.shape.map((_, i) => i) : axes).map((a) => normAxis(ctx, a, rank)));
  const shape = t.shape.flatMap((d, i) => (set.has(i) ? (keep ? [1] : []) : [d]));
  return [{ dtype: t.dtype, shape }];
}

function argMax(ctx: InferContext): ValueType[] {
  const t = ctx.input(0);
  const axis = normAxis(ctx, attrInt(ctx.node, 'axis', 0), t.shape.length);
  const keep = attrInt(ctx.node, 'keepdims', 1) === 1;
  return [{ dtype: 'I64', shape: t.shape.flatMap((d, i) => (i === axis ? (keep ? [1] : []) : [d])) }];
}

function gather(ctx: InferContext): ValueType[] {
  const t = ctx.input(0);
  const idx = requireDType(ctx, 1, INDEX);
  const axis = normAxis(ctx, attrInt(ctx.node, 'axis', 0), t.shape.length);
  return [{ dtype: t.dtype, shape: [...t.shape.slice(0, axis), ...idx.shape, ...t.shape.slice(axis + 1)] }];
}

function gatherElements(ctx: InferContext): ValueType[] {
  const t = ctx.input(0);
  const idx = requireDType(ctx, 1, INDEX);
  if (idx.shape.length !== t.shape.length) fail(ctx, 'indices must have the rank of data');
  normAxis(ctx, attrInt(ctx.node, 'axis', 0), t.shape.length);
  return [{ dtype: t.dtype, shape: idx.shape }];
}

function scatterElements(ctx: InferContext): ValueType[] {
  const t = ctx.input(0);
  requireDType(ctx, 1, INDEX);
  if (ctx.input(2).dtype !== t.dtype) fail(ctx, 'updates must have the dtype of data');
  normAxis(ctx, attrInt(ctx.node, 'axis', 0), t.shape.length);
  return [t];
}

function shapeOf(ctx: InferContext): ValueType[] {
  const rank = ctx.input(0).shape.length;
  const clamp = (v: number): number => Math.min(Math.max(v < 0 ? v + rank : v, 0), rank);
  const start = clamp(attrInt(ctx.node, 'start', 0));
  const end = clamp(attrInt(ctx.node, 'end', rank));
  return [{ dtype: 'I64', shape: [Math.max(0, end - start)] }];
}

function expand(ctx: InferContext): ValueType[] {
  const t = ctx.input(0);
  const s = requireDType(ctx, 1, ['I64']);
  const target = constInts(ctx, 1, 'shape');
  if (target !== undefined) return [{ dtype: t.dtype, shape: broadcastShapes(ctx, [t.shape, target]) }];
  const len = s.shape[0];
  if (typeof len !== 'number') fail(ctx, 'shape (input 1) must have a known length');
  const rank = Math.max(len, t.shape.length);
  return [{ dtype: t.dtype, shape: Array.from({ length: rank }, (_, i) => `${ctx.node.name}:${i}`) }];
}

function constantOfShape(ctx: InferContext): ValueType[] {
  const s = requireDType(ctx, 0, ['I64']);
  const dtype = attrTensor(ctx.node, 'value')?.dtype ?? 'F32';
  const target = constInts(ctx, 0, 'shape');
  if (target !== undefined) return [{ dtype, shape: target }];
  const len = s.shape[0];
  if (typeof len !== 'number') fail(ctx, 'shape (input 0) must have a known length');
  return [{ dtype, shape: Array.from({ length: len }, (_, i) => `${ctx.node.name}:${i}`) }];
}

function constant(ctx: InferContext): ValueType[] {
  const t = attrTensor(ctx.node, 'value');
  if (t !== undefined) return [{ dtype: t.dtype, shape: t.shape }];
  const n = ctx.node.attrs;
  if (n['value_float'] !== undefined) return [{ dtype: 'F32', shape: [] }];
  if (n['value_int'] !== undefined) return [{ dtype: 'I64', shape: [] }];
  const floats = n['value_floats'];
  if (floats?.kind === 'floats') return [{ dtype: 'F32', shape: [floats.value.length] }];
  const ints = n['value_ints'];
  if (ints?.kind === 'ints') return [{ dtype: 'I64', shape: [ints.value.length] }];
  throw nodeError(ctx.node, 'only value, value_float(s) and value_int(s) constants are supported', OnnxTrainErrorCode.UNSUPPORTED_ATTRIBUTE);
}

function loop(ctx: InferContext): ValueType[] {
  const body: Graph = attrGraph(ctx.node, 'body');
  const carried = ctx.node.inputs.length - 2;
  const trip = ctx.optionalInput(0);
  if (trip !== undefined && (trip.dtype !== 'I64' || trip.shape.length > 1 || (trip.shape.length === 1 && trip.shape[0] !== 1))) {
    fail(ctx, 'M (input 0) must be an int64 scalar');
  }
  const cond = ctx.optionalInput(1);
  if (cond !== undefined && cond.dtype !== 'BOOL') fail(ctx, 'cond (input 1) must be a bool');
  if (body.inputs.length !== carried + 2 || body.outputs.length < carried + 1) {
    fail(ctx, `body has ${body.inputs.length} inputs and ${body.outputs.length} outputs for ${carried} loop-carried values`);
  }
  for (let i = 0; i < carried; i++) {
    const init = ctx.input(i + 2);
    const out = body.outputs[i + 1];
    if (out === undefined || out.dtype !== init.dtype) fail(ctx, `loop-carried value ${i} changes dtype in the body`);
  }
  const tripDim: Dim = (() => {
    const m = ctx.constant(0);
    return m === undefined ? `${ctx.node.name}:trip` : Number(m.data[0]);
  })();
  const outs: ValueType[] = body.outputs.slice(1, carried + 1).map((o) => ({ dtype: o.dtype, shape: o.shape }));
  for (const o of body.outputs.slice(carried + 1)) outs.push({ dtype: o.dtype, shape: [tripDim, ...o.shape] });
  return outs;
}

/** Inference rules of shape, indexing, reduction, constant and control-flow ops. */
export const SHAPE_INFER: Readonly<Record<string, InferRule>> = {
  Flatten: flatten,
  Reshape: reshape,
  Transpose: transpose,
  Concat: concat,
  Split: split,
  Slice: slice,
  Squeeze: squeeze,
  Unsqueeze: unsqueeze,
  ReduceSum: reduce,
  ReduceMean: reduce,
  ReduceMax: reduce,
  ArgMax: argMax,
  Gather: gather,
  GatherElements: gatherElements,
  ScatterElements: scatterElements,
  Shape: shapeOf,
  Size: () => [{ dtype: 'I64', shape: [] }],
  Expand: expand,
  ConstantOfShape: constantOfShape,
  Constant: constant,
  Loop: loop,
};
