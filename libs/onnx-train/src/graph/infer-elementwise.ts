import { dtypeOfElemType } from './dtype.js';
import { attrFloat, attrInt } from './node-attrs.js';
import { FLOATS, broadcastShapes, fail, normAxis, requireDType, sameDType } from './infer-context.js';
import type { InferContext, InferRule } from './infer-context.js';
import type { ValueType } from './types.js';

const same: InferRule = (ctx) => [ctx.input(0)];

const floatUnary: InferRule = (ctx) => [requireDType(ctx, 0, FLOATS)];

const binary: InferRule = (ctx) => {
  const dtype = sameDType(ctx, [0, 1]);
  return [{ dtype, shape: broadcastShapes(ctx, [ctx.input(0).shape, ctx.input(1).shape]) }];
};

const compare: InferRule = (ctx) => {
  const [t] = binary(ctx);
  return [{ dtype: 'BOOL', shape: t?.shape ?? [] }];
};

const variadic: InferRule = (ctx) => {
  const indices = ctx.node.inputs.map((_, i) => i);
  if (indices.length === 0) fail(ctx, 'needs at least one input');
  const dtype = sameDType(ctx, indices);
  return [{ dtype, shape: broadcastShapes(ctx, indices.map((i) => ctx.input(i).shape)) }];
};

function where(ctx: InferContext): ValueType[] {
  requireDType(ctx, 0, ['BOOL']);
  const dtype = sameDType(ctx, [1, 2]);
  return [{ dtype, shape: broadcastShapes(ctx, [0, 1, 2].map((i) => ctx.input(i).shape)) }];
}

function cast(ctx: InferContext): ValueType[] {
  const to = attrInt(ctx.node, 'to', 0);
  return [{ dtype: dtypeOfElemType(to, `${ctx.node.name}.to`), shape: ctx.input(0).shape }];
}

function leakyRelu(ctx: InferContext): ValueType[] {
  attrFloat(ctx.node, 'alpha', 0.01);
  return floatUnary(ctx);
}

function softmaxLike(ctx: InferContext): ValueType[] {
  const t = requireDType(ctx, 0, FLOATS);
  normAxis(ctx, attrInt(ctx.node, 'axis', -1), t.shape.length);
  return [t];
}

/** Inference rules of elementwise, comparison and activation ops. */
export const ELEMENTWISE_INFER: Readonly<Record<string, InferRule>> = {
  Identity: same,
  Neg: floatUnary,
  Abs: floatUnary,
  Sqrt: floatUnary,
  Reciprocal: floatUnary,
  Exp: floatUnary,
  Log: floatUnary,
  Relu: floatUnary,
  Sigmoid: floatUnary,
  Tanh: floatUnary,
  LeakyRelu: leakyRelu,
  Softmax: softmaxLike,
  LogSoftmax: softmaxLike,
  Add: binary,
  Sub: binary,
  Mul: binary,
  Div: binary,
  Pow: (ctx) => [{ dtype: ctx.input(0).dtype, shape: broadcastShapes(ctx, [ctx.input(0).shape, ctx.input(1).shape]) }],
  Greater: compare,
  Less: compare,
  Equal: compare,
  And: compare,
  Or: compare,
  Not: (ctx) => [requireDType(ctx, 0, ['BOOL'])],
  Sum: variadic,
  Max: variadic,
  Min: variadic,
  Where: where,
  Cast: cast,
};
