import { convGeometry, windowOutput } from './conv-geometry.js';
import { attrInt, attrInts, attrString } from './node-attrs.js';
import { FLOATS, INDEX, broadcastShapes, fail, requireDType, sameDType } from './infer-context.js';
import type { InferContext, InferRule } from './infer-context.js';
import type { Dim, ValueType } from './types.js';

function matMul(ctx: InferContext): ValueType[] {
  const dtype = sameDType(ctx, [0, 1]);
  const a = ctx.input(0).shape;
  const b = ctx.input(1).shape;
  if (a.length === 0 || b.length === 0) fail(ctx, 'MatMul inputs must have rank 1 or more');
  const aa = a.length === 1 ? [1, ...a] : a;
  const bb = b.length === 1 ? [...b, 1] : b;
  const k1 = aa[aa.length - 1];
  const k2 = bb[bb.length - 2];
  if (typeof k1 === 'number' && typeof k2 === 'number' && k1 !== k2) {
    fail(ctx, `inner dimensions differ: [${a.join(', ')}] x [${b.join(', ')}]`);
  }
  const batch = broadcastShapes(ctx, [aa.slice(0, -2), bb.slice(0, -2)]);
  const shape: Dim[] = [...batch];
  if (a.length > 1) shape.push(aa[aa.length - 2] ?? 1);
  if (b.length > 1) shape.push(bb[bb.length - 1] ?? 1);
  return [{ dtype, shape }];
}

function gemm(ctx: InferContext): ValueType[] {
  const dtype = sameDType(ctx, [0, 1, 2]);
  const a = ctx.input(0).shape;
  const b = ctx.input(1).shape;
  if (a.length !== 2 || b.length !== 2) fail(ctx, `A and B must be matrices, got [${a.join(', ')}] and [${b.join(', ')}]`);
  const transA = attrInt(ctx.node, 'transA', 0) === 1;
  const transB = attrInt(ctx.node, 'transB', 0) === 1;
  const [m, k1] = transA ? [a[1], a[0]] : [a[0], a[1]];
  const [k2, n] = transB ? [b[1], b[0]] : [b[0], b[1]];
  if (typeof k1 === 'number' && typeof k2 === 'number' && k1 !== k2) {
    fail(ctx, `inner dimensions differ: A' is [${m}, ${k1}] and B' is [${k2}, ${n}]`);
  }
  const shape: Dim[] = [m ?? 1, n ?? 1];
  const c = ctx.optionalInput(2);
  if (c !== undefined) {
    const out = broadcastShapes(ctx, [shape, c.shape]);
    if (out.length !== 2 || out.some((d, i) => typeof d === 'number' && typeof shape[i] === 'number' && d !== shape[i])) {
      fail(ctx, `C of shape [${c.shape.join(', ')}] does not broadcast to [${shape.join(', ')}]`);
    }
  }
  return [{ dtype, shape }];
}

function conv(ctx: InferContext): ValueType[] {
  const dtype = sameDType(ctx, [0, 1, 2]);
  requireDType(ctx, 0, FLOATS);
  const x = ctx.input(0).shape;
  const w = ctx.input(1).shape;
  if (x.length < 3 || w.length !== x.length) fail(ctx, `X [${x.join(', ')}] and W [${w.join(', ')}] must be [N, C, ...] and [M, C/group, ...]`);
  const group = attrInt(ctx.node, 'group', 1);
  const c = x[1];
  const wc = w[1];
  if (typeof c === 'number' && typeof wc === 'number' && c !== wc * group) {
    fail(ctx, `X has ${c} channels but W expects ${wc} x group ${group}`);
  }
  const kernel = w.slice(2).map((d) => (typeof d === 'number' ? d : fail(ctx, 'W must have known kernel sizes')));
  const geometry = convGeometry(ctx.node, { spatial: x.slice(2), kernel });
  const b = ctx.optionalInput(2);
  if (b !== undefined && (b.shape.length !== 1 || (typeof b.shape[0] === 'number' && typeof w[0] === 'number' && b.shape[0] !== w[0]))) {
    fail(ctx, `B must be [${w[0]}], got [${b.shape.join(', ')}]`);
  }
  return [{ dtype, shape: [x[0] ?? 1, w[0] ?? 1, ...windowOutput(ctx.node, { spatial: x.slice(2), geometry })] }];
}

function convTranspose(ctx: InferContext): ValueType[] {
  const dtype = sameDType(ctx, [0, 1, 2]);
  const x = ctx.input(0).shape;
  const w = ctx.input(1).shape;
  if (x.length < 3 || w.length !== x.length) fail(ctx, `X [${x.join(', ')}] and W [${w.join(', ')}] must be [N, C, ...] and [C, M/group, ...]`);
  const group = attrInt(ctx.node, 'group', 1);
  const kernel = w.slice(2).map((d) => (typeof d === 'number' ? d : fail(ctx, 'W must have known kernel sizes')));
  const geometry = convGeometry(ctx.node, { spatial: x.slice(2), kernel });
  const outputPadding = attrInts(ctx.node, 'output_padding') ?? [];
  const explicit = attrInts(ctx.node, 'output_shape');
  const rank = kernel.length;
  const spatial: Dim[] = x.slice(2).map((size, i) => {
    if (explicit !== undefined) return explicit[i] ?? fail(ctx, 'output_shape has too few values');
    if (typeof size !== 'number') return `${ctx.node.name}:${i + 2}`;
    const span = ((kernel[i] ?? 1) - 1) * (geometry.dilations[i] ?? 1) + 1;
    return (geometry.strides[i] ?? 1) * (size - 1) + (outputPadding[i] ?? 0) + span - (geometry.pads[i] ?? 0) - (geometry.pads[i + rank] ?? 0);
  });
  const m = typeof w[1] === 'number' ? w[1] * group : w[1];
  return [{ dtype, shape: [x[0] ?? 1, m ?? 1, ...spatial] }];
}

function pool(ctx: InferContext): ValueType[] {
  const t = requireDType(ctx, 0, FLOATS);
  if (t.shape.length < 3) fail(ctx, `X must be [N, C, ...spatial], got [${t.shape.join(', ')}]`);
  const kernel = attrInts(ctx.node, 'kernel_shape');
  if (kernel === undefined) fail(ctx, 'attribute kernel_shape is required');
  const spatial = t.shape.slice(2);
  const geometry = convGeometry(ctx.node, { spatial, kernel });
  const shape = [t.shape[0] ?? 1, t.shape[1] ?? 1, ...windowOutput(ctx.node, { spatial, geometry })];
  const out: ValueType[] = [{ dtype: t.dtype, shape }];
  if (ctx.node.op === 'MaxPool') out.push({ dtype: 'I64', shape });
  return out;
}

function globalPool(ctx: InferContext): ValueType[] {
  const t = requireDType(ctx, 0, FLOATS);
  if (t.shape.length < 3) fail(ctx, `X must be [N, C, ...spatial], got [${t.shape.join(', ')}]`);
  return [{ dtype: t.dtype, shape: [t.shape[0] ?? 1, t.shape[1] ?? 1, ...t.shape.slice(2).map(() => 1)] }];
}

function dropout(ctx: InferContext): ValueType[] {
  const t = requireDType(ctx, 0, FLOATS);
  const ratio = ctx.optionalInput(1);
  if (ratio !== undefined && (ratio.shape.length !== 0 || !FLOATS.includes(ratio.dtype))) fail(ctx, 'ratio must be a float scalar');
  const mode = ctx.optionalInput(2);
  if (mode !== undefined && (mode.shape.length !== 0 || mode.dtype !== 'BOOL')) fail(ctx, 'training_mode must be a bool scalar');
  return [t, { dtype: 'BOOL', shape: t.shape }];
}

function batchNorm(ctx: InferContext): ValueType[] {
  const x = requireDType(ctx, 0, FLOATS);
  if (x.shape.length < 2) fail(ctx, `X must be [N, C, ...], got [${x.shape.join(', ')}]`);
  const c = x.shape[1];
  for (let i = 1; i < 5; i++) {
    const t = ctx.input(i);
    const d = t.shape[0];
    if (t.shape.length !== 1 || (typeof d === 'number' && typeof c === 'number' && d !== c)) {
      fail(ctx, `input ${i} must be [${c}], got [${t.shape.join(', ')}]`);
    }
  }
  const stat = ctx.input(3);
  return [x, stat, stat];
}

function softmaxCrossEntropy(ctx: InferContext): ValueType[] {
  const scores = requireDType(ctx, 0, FLOATS);
  const labels = requireDType(ctx, 1, INDEX);
  if (scores.shape.length < 2 || labels.shape.length !== scores.shape.length - 1) {
    fail(ctx, `scores [${scores.shape.join(', ')}] must be [N, C, ...] and labels [N, ...], got [${labels.shape.join(', ')}]`);
  }
  const reduction = attrString(ctx.node, 'reduction', 'mean');
  if (!['mean', 'sum', 'none'].includes(reduction)) fail(ctx, `reduction "${reduction}" is not mean, sum or none`);
  const loss: ValueType = { dtype: scores.dtype, shape: reduction === 'none' ? labels.shape : [] };
  return [loss, scores];
}

/** Inference rules of linear-algebra, convolution, pooling, normalization, dropout and loss ops. */
export const NN_INFER: Readonly<Record<string, InferRule>> = {
  MatMul: matMul,
  Gemm: gemm,
  Conv: conv,
  ConvTranspose: convTranspose,
  MaxPool: pool,
  AveragePool: pool,
  GlobalAveragePool: globalPool,
  Dropout: dropout,
  BatchNormalization: batchNorm,
  SoftmaxCrossEntropyLoss: softmaxCrossEntropy,
};
