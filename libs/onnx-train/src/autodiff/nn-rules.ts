import type { DType } from '@hearth/core';
import { tensor } from '@hearth/core';
import { OnnxTrainErrorCode } from '../errors.js';
import { convGeometry } from '../graph/conv-geometry.js';
import type { ConvGeometry } from '../graph/conv-geometry.js';
import { attrFloat, attrInt, attrString, nodeError } from '../graph/node-attrs.js';
import type { Dim } from '../graph/types.js';
import { dy0, unbroadcast, when } from './vjp-context.js';
import type { VjpContext, VjpRule } from './vjp-context.js';

function unsupported(ctx: VjpContext, message: string): Error {
  return nodeError(ctx.node, message, OnnxTrainErrorCode.NO_GRADIENT);
}

function known(ctx: VjpContext, dims: readonly Dim[], what: string): number[] {
  return dims.map((d) => {
    if (typeof d !== 'number') throw unsupported(ctx, `the gradient needs known ${what} sizes, got [${dims.join(', ')}]`);
    return d;
  });
}

function swapLast(ctx: VjpContext, value: string): string {
  const rank = ctx.b.typeOf(value).shape.length;
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return ctx.b.transpose(value, perm);
}

const matMul: VjpRule = (ctx) => {
  const { b } = ctx;
  const [a, w] = [ctx.x(0), ctx.x(1)];
  if (b.typeOf(a).shape.length < 2 || b.typeOf(w).shape.length < 2) throw unsupported(ctx, 'rank-1 MatMul operands have no gradient rule');
  const g = dy0(ctx);
  return [
    when(ctx, 0, () => unbroadcast(b, b.matMul(g, swapLast(ctx, w)), a)),
    when(ctx, 1, () => unbroadcast(b, b.matMul(swapLast(ctx, a), g), w)),
  ];
};

const gemm: VjpRule = (ctx) => {
  const { b } = ctx;
  const [a, w] = [ctx.x(0), ctx.x(1)];
  const g = dy0(ctx);
  const alpha = attrFloat(ctx.node, 'alpha', 1);
  const beta = attrFloat(ctx.node, 'beta', 1);
  const transA = attrInt(ctx.node, 'transA', 0) === 1;
  const transB = attrInt(ctx.node, 'transB', 0) === 1;
  const c = ctx.node.inputs[2] ?? '';
  return [
    when(ctx, 0, () => (transA ? b.gemm(w, g, { transA: transB, transB: true, alpha }) : b.gemm(g, w, { transB: !transB, alpha }))),
    when(ctx, 1, () => (transB ? b.gemm(g, a, { transA: true, transB: transA, alpha }) : b.gemm(a, g, { transA: !transA, alpha }))),
    c === '' ? undefined : when(ctx, 2, () => unbroadcast(b, beta === 1 ? g : b.mul(g, b.scalar(beta, b.typeOf(g).dtype)), c)),
  ];
};

/** Output padding that makes a ConvTranspose undo a window of `geometry` back to `input` sizes. */
function transposeFit(geometry: ConvGeometry, sizes: { input: readonly number[]; output: readonly number[] }): { pads: number[]; outputPadding: number[] } {
  const rank = sizes.input.length;
  const pads = [...geometry.pads];
  const outputPadding = sizes.input.map((size, i) => {
    const span = ((geometry.kernel[i] ?? 1) - 1) * (geometry.dilations[i] ?? 1) + 1;
    const produced = (geometry.strides[i] ?? 1) * ((sizes.output[i] ?? 1) - 1) + span - (pads[i] ?? 0) - (pads[i + rank] ?? 0);
    const extra = size - produced;
    if (extra < 0) pads[i + rank] = (pads[i + rank] ?? 0) - extra;
    return Math.max(0, extra);
  });
  return { pads, outputPadding };
}

const conv: VjpRule = (ctx) => {
  const { b } = ctx;
  const [x, w] = [ctx.x(0), ctx.x(1)];
  const g = dy0(ctx);
  const xShape = b.typeOf(x).shape;
  const wShape = b.typeOf(w).shape;
  const kernel = known(ctx, wShape.slice(2), 'kernel');
  const geometry = convGeometry(ctx.node, { spatial: xShape.slice(2), kernel });
  const group = attrInt(ctx.node, 'group', 1);
  const rank = kernel.length;
  const channelsFirst = [1, 0, ...Array.from({ length: rank }, (_, i) => i + 2)];
  return [
    when(ctx, 0, () => {
      const fit = transposeFit(geometry, {
        input: known(ctx, xShape.slice(2), 'spatial input'),
        output: known(ctx, b.typeOf(g).shape.slice(2), 'spatial output'),
      });
      return b.convTranspose(g, w, { ...geometry, pads: fit.pads, outputPadding: fit.outputPadding, group });
    }),
    when(ctx, 1, () => {
      if (group !== 1) throw unsupported(ctx, `the weight gradient supports group 1 only, got group ${group}`);
      const full = b.conv(b.transpose(x, channelsFirst), b.transpose(g, channelsFirst), {
        strides: geometry.dilations,
        dilations: geometry.strides,
        pads: geometry.pads,
      });
      const got = b.typeOf(full).shape.slice(2);
      const trimmed = got.every((d, i) => d === kernel[i])
        ? full
        : b.slice(full, { starts: kernel.map(() => 0), ends: kernel, axes: kernel.map((_, i) => i + 2) });
      return b.transpose(trimmed, channelsFirst);
    }),
    (ctx.node.inputs[2] ?? '') === ''
      ? undefined
      : when(ctx, 2, () => b.reduceSum(g, { axes: [0, ...Array.from({ length: rank }, (_, i) => i + 2)] })),
  ];
};

const maxPool: VjpRule = (ctx) => {
  const { b } = ctx;
  const indices = ctx.node.outputs[1] ?? '';
  if (indices === '') throw unsupported(ctx, 'MaxPool needs its Indices output for the gradient (compile the training graph to add it)');
  if (attrInt(ctx.node, 'storage_order', 0) !== 0) throw unsupported(ctx, 'storage_order 1 is not supported');
  const x = ctx.x(0);
  const dtype = b.typeOf(x).dtype;
  const zeros = b.constantOfShape(b.unsqueeze(b.size(x), [0]), { value: 0, dtype });
  const flat = b.scatterElements(zeros, {
    indices: b.reshape(indices, [-1]),
    updates: b.reshape(dy0(ctx), [-1]),
    axis: 0,
    reduction: 'add',
  });
  return [b.reshape(flat, b.shape(x))];
};

/** 1 / (number of elements each output window averages), one factor per spatial axis, multiplied out. */
function inverseCounts(options: { geometry: ConvGeometry; input: readonly number[]; output: readonly number[]; includePad: boolean }): Float64Array {
  const { geometry, input, output } = options;
  const rank = input.length;
  const perAxis = output.map((out, i) => {
    const size = input[i] ?? 1;
    const stride = geometry.strides[i] ?? 1;
    const kernel = geometry.kernel[i] ?? 1;
    const padBegin = geometry.pads[i] ?? 0;
    const lo = options.includePad ? -padBegin : 0;
    const hi = options.includePad ? size + (geometry.pads[i + rank] ?? 0) : size;
    return Array.from({ length: out }, (_, o) => {
      const start = o * stride - padBegin;
      return Math.max(0, Math.min(start + kernel, hi) - Math.max(start, lo));
    });
  });
  const total = output.reduce((a, c) => a * c, 1);
  const result = new Float64Array(total);
  for (let flat = 0; flat < total; flat++) {
    let rest = flat;
    let count = 1;
    for (let i = rank - 1; i >= 0; i--) {
      const out = output[i] ?? 1;
      count *= perAxis[i]?.[rest % out] ?? 1;
      rest = Math.floor(rest / out);
    }
    result[flat] = 1 / count;
  }
  return result;
}

function floatTensor(dtype: DType, shape: readonly number[], values: Float64Array): ReturnType<typeof tensor> {
  return dtype === 'F64' ? tensor('F64', shape, values) : tensor('F32', shape, Float32Array.from(values));
}

const averagePool: VjpRule = (ctx) => {
  const { b } = ctx;
  const x = ctx.x(0);
  const { dtype, shape } = b.typeOf(x);
  const input = known(ctx, shape.slice(2), 'spatial input');
  const channels = known(ctx, [shape[1] ?? 1], 'channel')[0] ?? 1;
  const output = known(ctx, b.typeOf(ctx.y(0)).shape.slice(2), 'spatial output');
  const geometry = convGeometry(ctx.node, { spatial: input, kernel: [] });
  const includePad = attrInt(ctx.node, 'count_include_pad', 0) === 1;
  const scale = b.constant(floatTensor(dtype, [1, 1, ...output], inverseCounts({ geometry, input, output, includePad })), 'avgpool_scale');
  const kernelSize = geometry.kernel.reduce((a, c) => a * c, 1);
  const ones = b.constant(floatTensor(dtype, [channels, 1, ...geometry.kernel], new Float64Array(channels * kernelSize).fill(1)), 'avgpool_ones');
  const fit = transposeFit(geometry, { input, output });
  return [b.convTranspose(b.mul(dy0(ctx), scale), ones, { strides: geometry.strides, pads: fit.pads, outputPadding: fit.outputPadding, group: channels })];
};

const globalAveragePool: VjpRule = (ctx) => {
  const { b } = ctx;
  const x = ctx.x(0);
  const { dtype, shape } = b.typeOf(x);
  const count = known(ctx, shape.slice(2), 'spatial input').reduce((a, c) => a * c, 1);
  return [b.expand(b.div(dy0(ctx), b.scalar(count, dtype)), b.shape(x))];
};

const dropout: VjpRule = (ctx) => {
  const { b } = ctx;
  const g = dy0(ctx);
  const modeName = ctx.node.inputs[2] ?? '';
  const mode = modeName === '' ? undefined : b.constantValue(modeName);
  if (modeName === '' || (mode !== undefined && mode.data[0] === 0)) return [g];
  const mask = ctx.node.outputs[1] ?? '';
  if (mode === undefined || mask === '') throw unsupported(ctx, 'training Dropout needs a constant training_mode and its mask output');
  const ratioName = ctx.node.inputs[1] ?? '';
  const ratioValue = ratioName === '' ? undefined : b.constantValue(ratioName);
  if (ratioName !== '' && ratioValue === undefined) throw unsupported(ctx, 'the ratio must be a constant');
  const ratio = ratioValue === undefined ? 0.5 : Number(ratioValue.data[0]);
  const dtype = b.typeOf(g).dtype;
  return [b.mul(g, b.mul(b.cast(mask, dtype), b.scalar(1 / (1 - ratio), dtype)))];
};

const softmaxCrossEntropy: VjpRule = (ctx) => {
  const { b } = ctx;
  const scores = ctx.x(0);
  const logProb = ctx.node.outputs[1] ?? '';
  if (logProb === '') throw unsupported(ctx, 'needs its log_prob output for the gradient (compile the training graph to add it)');
  if ((ctx.node.inputs[2] ?? '') !== '' || ctx.node.attrs['ignore_index'] !== undefined) {
    throw unsupported(ctx, 'class weights and ignore_index are not supported');
  }
  const { dtype, shape } = b.typeOf(scores);
  if (shape.length !== 2) throw unsupported(ctx, `scores must be [N, C], got [${shape.join(', ')}]`);
  const classes = known(ctx, [shape[1] ?? 1], 'class')[0] ?? 1;
  const labels = b.cast(ctx.x(1), 'I64');
  const oneHot = b.cast(b.equal(b.unsqueeze(labels, [1]), b.ints(Array.from({ length: classes }, (_, i) => i))), dtype);
  const diff = b.sub(b.exp(logProb), oneHot);
  const g = dy0(ctx);
  const reduction = attrString(ctx.node, 'reduction', 'mean');
  if (reduction === 'none') return [b.mul(diff, b.unsqueeze(g, [1]))];
  if (reduction === 'sum') return [b.mul(diff, g)];
  const batch = b.cast(b.gather(b.shape(scores), b.scalar(0, 'I64')), dtype);
  return [b.mul(diff, b.div(g, batch))];
};

/** Vector-Jacobian rules of linear-algebra, convolution, pooling, dropout and loss ops. */
export const NN_RULES: Readonly<Record<string, VjpRule>> = {
  MatMul: matMul,
  Gemm: gemm,
  Conv: conv,
  MaxPool: maxPool,
  AveragePool: averagePool,
  GlobalAveragePool: globalAveragePool,
  Dropout: dropout,
  SoftmaxCrossEntropyLoss: softmaxCrossEntropy,
};
