import { OnnxTrainErrorCode } from '../errors.js';
import { attrInt, attrInts, nodeError } from '../graph/node-attrs.js';
import { dy0, unbroadcast } from './vjp-context.js';
import type { VjpContext, VjpRule } from './vjp-context.js';

const reshapeBack: VjpRule = (ctx) => [ctx.b.reshape(dy0(ctx), ctx.b.shape(ctx.x(0)))];

const transpose: VjpRule = (ctx) => {
  const rank = ctx.b.typeOf(ctx.x(0)).shape.length;
  const perm = attrInts(ctx.node, 'perm') ?? Array.from({ length: rank }, (_, i) => rank - 1 - i);
  const inverse = new Array<number>(rank);
  perm.forEach((p, i) => {
    inverse[p] = i;
  });
  return [ctx.b.transpose(dy0(ctx), inverse)];
};

function normAxis(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}

const concat: VjpRule = (ctx) => {
  const { b } = ctx;
  const rank = b.typeOf(ctx.x(0)).shape.length;
  const axis = normAxis(attrInt(ctx.node, 'axis', 0), rank);
  const sizes = ctx.node.inputs.map((name) => {
    const d = b.typeOf(name).shape[axis];
    if (typeof d !== 'number') {
      throw nodeError(ctx.node, `input "${name}" has no known size on axis ${axis}, which the gradient split needs`, OnnxTrainErrorCode.NO_GRADIENT);
    }
    return d;
  });
  return b.split(dy0(ctx), { axis, sizes });
};

const split: VjpRule = (ctx) => {
  const { b } = ctx;
  const axis = attrInt(ctx.node, 'axis', 0);
  const parts = ctx.node.outputs.map((out, i) => ctx.dy(i) ?? b.constantOfShape(b.shape(out), { value: 0, dtype: b.typeOf(out).dtype }));
  return [b.concat(parts, axis)];
};

function reducedAxes(ctx: VjpContext): number[] {
  const rank = ctx.b.typeOf(ctx.x(0)).shape.length;
  let axes: readonly number[] | undefined;
  if (ctx.node.op === 'ReduceSum') {
    const input = ctx.node.inputs[1];
    const value = input === undefined || input === '' ? undefined : ctx.b.constantValue(input);
    axes = value === undefined ? undefined : Array.from(value.data as BigInt64Array, (v) => Number(v));
  } else axes = attrInts(ctx.node, 'axes');
  if (axes === undefined || axes.length === 0) return Array.from({ length: rank }, (_, i) => i);
  return axes.map((a) => normAxis(a, rank)).sort((a, b) => a - b);
}

function spreadBack(ctx: VjpContext): string {
  const { b } = ctx;
  let g = dy0(ctx);
  if (attrInt(ctx.node, 'keepdims', 1) === 0) g = b.unsqueeze(g, reducedAxes(ctx));
  return b.expand(g, b.shape(ctx.x(0)));
}

const reduceSum: VjpRule = (ctx) => {
  if (ctx.node.op === 'ReduceSum' && attrInt(ctx.node, 'noop_with_empty_axes', 0) === 1 && (ctx.node.inputs[1] ?? '') === '') {
    return [dy0(ctx)];
  }
  return [spreadBack(ctx)];
};

const reduceMean: VjpRule = (ctx) => {
  const { b } = ctx;
  const dtype = b.typeOf(ctx.x(0)).dtype;
  const count = b.cast(b.div(b.size(ctx.x(0)), b.size(ctx.y(0))), dtype);
  return [b.div(spreadBack(ctx), count)];
};

/** Vector-Jacobian rules of shape and reduction ops. */
export const SHAPE_RULES: Readonly<Record<string, VjpRule>> = {
  Flatten: reshapeBack,
  Reshape: reshapeBack,
  Squeeze: reshapeBack,
  Unsqueeze: reshapeBack,
  Transpose: transpose,
  Concat: concat,
  Split: split,
  ReduceSum: reduceSum,
  ReduceMean: reduceMean,
  Expand: (ctx) => [unbroadcast(ctx.b, dy0(ctx), ctx.x(0))],
  Cast: (ctx) => [ctx.b.cast(dy0(ctx), ctx.b.typeOf(ctx.x(0)).dtype)],
};
