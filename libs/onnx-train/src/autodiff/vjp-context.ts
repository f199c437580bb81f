import { OnnxTrainErrorCode } from '../errors.js';
import type { GraphBuilder } from '../graph/graph-builder.js';
import { nodeError } from '../graph/node-attrs.js';
import type { NodeDef } from '../graph/types.js';

/** What a vector-Jacobian rule sees while the backward pass visits one forward node. */
export interface VjpContext {
  /** The builder the backward nodes are emitted into. */
  readonly b: GraphBuilder;
  /** The forward node. */
  readonly node: NodeDef;
  /** Name of forward input `i`. */
  x(i: number): string;
  /** Name of forward output `i`. */
  y(i: number): string;
  /** Gradient of the loss with respect to output `i`, or undefined when none flows into it. */
  dy(i: number): string | undefined;
  /** True when the backward pass wants the gradient of input `i`. */
  needs(i: number): boolean;
}

/**
 * A vector-Jacobian rule: given the gradients of a node's outputs, emits ONNX nodes computing the
 * gradients of its inputs (undefined where an input needs none or has none).
 */
export type VjpRule = (ctx: VjpContext) => readonly (string | undefined)[];

/**
 * Sums `grad` (the gradient of a broadcast result) back down to the shape of `like`: leading axes that
 * broadcasting added are summed away, and axes where `like` has size 1 are summed with keepdims.
 */
export function unbroadcast(b: GraphBuilder, grad: string, like: string): string {
  const g = b.typeOf(grad).shape;
  const t = b.typeOf(like).shape;
  const lead = g.length - t.length;
  const axes: number[] = [];
  g.forEach((d, i) => {
    if (i < lead) axes.push(i);
    else if (t[i - lead] === 1 && d !== 1) axes.push(i);
  });
  if (axes.length === 0) return lead === 0 ? grad : b.reshape(grad, b.shape(like));
  const summed = b.reduceSum(grad, { axes, keepdims: true });
  return lead === 0 ? summed : b.reshape(summed, b.shape(like));
}

/** The gradient of output 0, which a single-output rule is only called with. */
export function dy0(ctx: VjpContext): string {
  const g = ctx.dy(0);
  if (g === undefined) {
    throw nodeError(ctx.node, 'the gradient reaches only a secondary output, which this rule does not differentiate', OnnxTrainErrorCode.NO_GRADIENT);
  }
  return g;
}

/** Runs `make` only when input `i` needs a gradient. */
export function when(ctx: VjpContext, i: number, make: () => string): string | undefined {
  return ctx.needs(i) ? make() : undefined;
}
