import type { DType } from '@hearth/core';
import { attrFloat, attrInt } from '../graph/node-attrs.js';
import { dy0, unbroadcast, when } from './vjp-context.js';
import type { VjpContext, VjpRule } from './vjp-context.js';

function dtypeOf(ctx: VjpContext): DType {
  return ctx.b.typeOf(ctx.x(0)).dtype;
}

const add: VjpRule = (ctx) => {
  const g = dy0(ctx);
  return [when(ctx, 0, () => unbroadcast(ctx.b, g, ctx.x(0))), when(ctx, 1, () => unbroadcast(ctx.b, g, ctx.x(1)))];
};

const sub: VjpRule = (ctx) => {
  const g = dy0(ctx);
  return [when(ctx, 0, () => unbroadcast(ctx.b, g, ctx.x(0))), when(ctx, 1, () => unbroadcast(ctx.b, ctx.b.neg(g), ctx.x(1)))];
};

const mul: VjpRule = (ctx) => {
  const { b } = ctx;
  const g = dy0(ctx);
  return [
    when(ctx, 0, () => unbroadcast(b, b.mul(g, ctx.x(1)), ctx.x(0))),
    when(ctx, 1, () => unbroadcast(b, b.mul(g, ctx.x(0)), ctx.x(1))),
  ];
};

const div: VjpRule = (ctx) => {
  const { b } = ctx;
  const g = dy0(ctx);
  return [
    when(ctx, 0, () => unbroadcast(b, b.div(g, ctx.x(1)), ctx.x(0))),
    when(ctx, 1, () => unbroadcast(b, b.neg(b.div(b.mul(g, ctx.y(0)), ctx.x(1))), ctx.x(1))),
  ];
};

const pow: VjpRule = (ctx) => {
  const { b } = ctx;
  const g = dy0(ctx);
  const dtype = dtypeOf(ctx);
  return [
    when(ctx, 0, () => {
      const exponent = b.cast(ctx.x(1), dtype);
      const slope = b.mul(exponent, b.pow(ctx.x(0), b.sub(exponent, b.scalar(1, dtype))));
      return unbroadcast(b, b.mul(g, slope), ctx.x(0));
    }),
    when(ctx, 1, () => unbroadcast(b, b.mul(g, b.mul(ctx.y(0), b.log(ctx.x(0)))), ctx.x(1))),
  ];
};

const sum: VjpRule = (ctx) => {
  const g = dy0(ctx);
  return ctx.node.inputs.map((_, i) => when(ctx, i, () => unbroadcast(ctx.b, g, ctx.x(i))));
};

const relu: VjpRule = (ctx) => {
  const { b } = ctx;
  const zero = b.scalar(0, dtypeOf(ctx));
  return [b.where(b.greater(ctx.x(0), zero), dy0(ctx), zero)];
};

const leakyRelu: VjpRule = (ctx) => {
  const { b } = ctx;
  const dtype = dtypeOf(ctx);
  const g = dy0(ctx);
  const alpha = b.scalar(attrFloat(ctx.node, 'alpha', 0.01), dtype);
  return [b.where(b.greater(ctx.x(0), b.scalar(0, dtype)), g, b.mul(g, alpha))];
};

const sigmoid: VjpRule = (ctx) => {
  const { b } = ctx;
  const y = ctx.y(0);
  return [b.mul(dy0(ctx), b.mul(y, b.sub(b.scalar(1, dtypeOf(ctx)), y)))];
};

const tanh: VjpRule = (ctx) => {
  const { b } = ctx;
  const y = ctx.y(0);
  return [b.mul(dy0(ctx), b.sub(b.scalar(1, dtypeOf(ctx)), b.mul(y, y)))];
};

const softmax: VjpRule = (ctx) => {
  const { b } = ctx;
  const y = ctx.y(0);
  const g = dy0(ctx);
  const axis = attrInt(ctx.node, 'axis', -1);
  return [b.mul(y, b.sub(g, b.reduceSum(b.mul(g, y), { axes: [axis], keepdims: true })))];
};

const logSoftmax: VjpRule = (ctx) => {
  const { b } = ctx;
  const g = dy0(ctx);
  const axis = attrInt(ctx.node, 'axis', -1);
  return [b.sub(g, b.mul(b.exp(ctx.y(0)), b.reduceSum(g, { axes: [axis], keepdims: true })))];
};

const where: VjpRule = (ctx) => {
  const { b } = ctx;
  const g = dy0(ctx);
  const zero = b.scalar(0, b.typeOf(g).dtype);
  return [
    undefined,
    when(ctx, 1, () => unbroadcast(b, b.where(ctx.x(0), g, zero), ctx.x(1))),
    when(ctx, 2, () => unbroadcast(b, b.where(ctx.x(0), zero, g), ctx.x(2))),
  ];
};

/** Vector-Jacobian rules of elementwise and activation ops (broadcasting binary ops reduce back to input shapes). */
export const ELEMENTWISE_RULES: Readonly<Record<string, VjpRule>> = {
  Add: add,
  Sub: sub,
  Mul: mul,
  Div: div,
  Pow: pow,
  Sum: sum,
  Neg: (ctx) => [ctx.b.neg(dy0(ctx))],
  Identity: (ctx) => [dy0(ctx)],
  Exp: (ctx) => [ctx.b.mul(dy0(ctx), ctx.y(0))],
  Log: (ctx) => [ctx.b.div(dy0(ctx), ctx.x(0))],
  Sqrt: (ctx) => [ctx.b.div(dy0(ctx), ctx.b.mul(ctx.y(0), ctx.b.scalar(2, dtypeOf(ctx))))],
  Reciprocal: (ctx) => [ctx.b.neg(ctx.b.mul(dy0(ctx), ctx.b.mul(ctx.y(0), ctx.y(0))))],
  Relu: relu,
  LeakyRelu: leakyRelu,
  Sigmoid: sigmoid,
  Tanh: tanh,
  Softmax: softmax,
  LogSoftmax: logSoftmax,
  Where: where,
};
