import type { HyperName, OptimizerSpec } from '@hearth/onnx-train';
import { Type } from 'typebox';
import type { Static } from 'typebox';
import type { SpecInput } from './internal/spec-input.js';

const weightDecay = (fallback: number) => Type.Number({ minimum: 0, default: fallback, description: 'L2 penalty (sgd, adam) or decoupled decay (adamw)' });
const adamFields = {
  beta1: Type.Number({ minimum: 0, exclusiveMaximum: 1, default: 0.9 }),
  beta2: Type.Number({ minimum: 0, exclusiveMaximum: 1, default: 0.999 }),
  epsilon: Type.Number({ exclusiveMinimum: 0, default: 1e-8 }),
};

/**
 * The local optimizer, with PyTorch's update rules and defaults: `sgd` with momentum (@default 0.9;
 * 0 keeps no velocity buffer) and optional Nesterov, `adam` (L2 weight decay added to the gradient) and
 * `adamw` (decoupled weight decay, @default 0.01). The learning rate is a separate arg, so a schedule can
 * change it without recompiling.
 */
export const OptimizerArgsSchema = Type.Union([
  Type.Object(
    {
      type: Type.Literal('sgd'),
      momentum: Type.Number({ minimum: 0, exclusiveMaximum: 1, default: 0.9 }),
      nesterov: Type.Boolean({ default: false }),
      weight_decay: weightDecay(0),
    },
    { additionalProperties: false },
  ),
  Type.Object({ type: Type.Literal('adam'), ...adamFields, weight_decay: weightDecay(0) }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('adamw'), ...adamFields, weight_decay: weightDecay(0.01) }, { additionalProperties: false }),
]);

/** {@link OptimizerArgsSchema} as a type, defaults applied. */
export type OptimizerArgs = Static<typeof OptimizerArgsSchema>;

/** {@link OptimizerArgs} as callers write them: only `type` is required. */
export type OptimizerArgsInput = SpecInput<OptimizerArgs, 'type'>;

/** An optimizer as the compiler and the trainer take it: the graph variant and the hyper-parameter values. */
export interface CompiledOptimizer {
  readonly spec: OptimizerSpec;
  /** Every hyper-parameter except the learning rate. */
  readonly hyper: Readonly<Partial<Record<HyperName, number>>>;
}

/** Splits optimizer args into what changes the graph (kind, momentum buffer, Nesterov) and what is fed. */
export function compileOptimizer(args: OptimizerArgs): CompiledOptimizer {
  if (args.type === 'sgd') {
    const momentum = args.momentum > 0;
    return {
      spec: { type: 'sgd', momentum, nesterov: momentum && args.nesterov },
      hyper: momentum ? { momentum: args.momentum, weight_decay: args.weight_decay } : { weight_decay: args.weight_decay },
    };
  }
  return { spec: { type: args.type }, hyper: { beta1: args.beta1, beta2: args.beta2, epsilon: args.epsilon, weight_decay: args.weight_decay } };
}
