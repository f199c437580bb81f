import { ELEMENTWISE_RULES } from './elementwise-rules.js';
import { NN_RULES } from './nn-rules.js';
import { SHAPE_RULES } from './shape-rules.js';
import type { VjpRule } from './vjp-context.js';

/** Every op with a vector-Jacobian rule, by op type. */
export const VJP_RULES: Readonly<Record<string, VjpRule>> = { ...ELEMENTWISE_RULES, ...SHAPE_RULES, ...NN_RULES };

/** Ops the training compiler rewrites before differentiating (BatchNormalization becomes primitive ops). */
export const LOWERED_OPS: ReadonlySet<string> = new Set(['BatchNormalization']);

/** True when gradients can flow through `op`, directly or after the training rewrite. */
export function isDifferentiableOp(op: string): boolean {
  return VJP_RULES[op] !== undefined || LOWERED_OPS.has(op);
}
