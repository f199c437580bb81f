import { OnnxTrainErrorCode } from '../errors.js';
import type { InferContext, InferRule } from './infer-context.js';
import { ELEMENTWISE_INFER } from './infer-elementwise.js';
import { NN_INFER } from './infer-nn.js';
import { SHAPE_INFER } from './infer-shape.js';
import { nodeError } from './node-attrs.js';
import type { ValueType } from './types.js';

export type { InferContext } from './infer-context.js';

const RULES: Readonly<Record<string, InferRule>> = { ...ELEMENTWISE_INFER, ...NN_INFER, ...SHAPE_INFER };

/** Ops this lib can type-check, build and import. */
export const SUPPORTED_OPS: ReadonlySet<string> = new Set(Object.keys(RULES));

export function inferNode(ctx: InferContext): (ValueType | undefined)[] {
  const rule = RULES[ctx.node.op];
  if (rule === undefined) {
    throw nodeError(ctx.node, `op ${ctx.node.op} is not supported`, OnnxTrainErrorCode.UNSUPPORTED_OP);
  }
  const types = rule(ctx);
  return ctx.node.outputs.map((name, i) => {
    if (name === '') return undefined;
    const t = types[i];
    if (t === undefined) throw nodeError(ctx.node, `has no output ${i}`);
    return t;
  });
}
