import { OnnxTrainErrorCode, onnxTrainError } from '../errors.js';
import type { GraphBuilder } from '../graph/graph-builder.js';
import type { HyperName, OptimizerKind, StateSlot } from './program.js';

/**
 * Optimizer choice. SGD follows PyTorch: velocity = momentum * velocity + g, then
 * w -= lr * velocity (or lr * (g + momentum * velocity) with Nesterov). Adam and AdamW follow PyTorch's
 * formulas too; Adam adds weight decay to the gradient (L2), AdamW decays the weights directly.
 */
export type OptimizerSpec =
  | { readonly type: 'sgd'; /** Keep a velocity buffer. @default true */ readonly momentum?: boolean; /** @default false */ readonly nesterov?: boolean }
  | { readonly type: 'adam' }
  | { readonly type: 'adamw' };

/** Hyper-parameter defaults per optimizer (PyTorch's, except SGD's momentum and lr). */
export function optimizerHyperDefaults(spec: OptimizerSpec): Partial<Record<HyperName, number>> {
  if (spec.type === 'sgd') {
    return spec.momentum === false ? { lr: 0.01, weight_decay: 0 } : { lr: 0.01, momentum: 0.9, weight_decay: 0 };
  }
  return { lr: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weight_decay: spec.type === 'adamw' ? 0.01 : 0 };
}

/** The per-parameter state slots of an optimizer. */
export function optimizerSlots(spec: OptimizerSpec): readonly StateSlot[] {
  if (spec.type === 'sgd') return spec.momentum === false ? [] : ['velocity'];
  return ['m', 'v'];
}

/** True when the optimizer keeps a shared step counter (for bias correction). */
export function usesStepCounter(spec: OptimizerSpec): boolean {
  return spec.type !== 'sgd';
}

/** The kind recorded in program descriptors. */
export function optimizerKind(spec: OptimizerSpec): OptimizerKind {
  return spec.type;
}

/** Inputs of one parameter's update. */
export interface UpdateInputs {
  readonly spec: OptimizerSpec;
  readonly param: string;
  /** The gradient with FedProx and SCAFFOLD terms already added. */
  readonly grad: string;
  readonly state: Readonly<Partial<Record<StateSlot, string>>>;
  readonly hyper: Readonly<Partial<Record<HyperName, string>>>;
  /** Updated step counter (1 on the first step), cast to the parameter dtype; Adam and AdamW only. */
  readonly step?: string;
}

/** The updated parameter and its updated state slots. */
export interface UpdateOutputs {
  readonly param: string;
  readonly state: Partial<Record<StateSlot, string>>;
}

function need(value: string | undefined, what: string): string {
  if (value === undefined) {
    throw onnxTrainError(OnnxTrainErrorCode.INVALID_OPTIONS, `the optimizer update needs ${what}, which the program does not provide`, { context: { what } });
  }
  return value;
}

/** Emits the update of one parameter. */
export function emitUpdate(b: GraphBuilder, inputs: UpdateInputs): UpdateOutputs {
  const { spec, param, hyper } = inputs;
  const lr = need(hyper.lr, 'lr');
  const decay = need(hyper.weight_decay, 'weight_decay');
  const dtype = b.typeOf(param).dtype;
  if (spec.type === 'sgd') {
    let g = b.add(inputs.grad, b.mul(decay, param));
    const state: Partial<Record<StateSlot, string>> = {};
    if (spec.momentum !== false) {
      const momentum = need(hyper.momentum, 'momentum');
      const velocity = b.add(b.mul(momentum, need(inputs.state.velocity, 'velocity')), g);
      state.velocity = velocity;
      g = spec.nesterov === true ? b.add(g, b.mul(momentum, velocity)) : velocity;
    }
    return { param: b.sub(param, b.mul(lr, g)), state };
  }
  const one = b.scalar(1, dtype);
  const beta1 = need(hyper.beta1, 'beta1');
  const beta2 = need(hyper.beta2, 'beta2');
  const step = need(inputs.step, 'step');
  const g = spec.type === 'adam' ? b.add(inputs.grad, b.mul(decay, param)) : inputs.grad;
  const start = spec.type === 'adamw' ? b.mul(param, b.sub(one, b.mul(lr, decay))) : param;
  const m = b.add(b.mul(beta1, need(inputs.state.m, 'm')), b.mul(b.sub(one, beta1), g));
  const v = b.add(b.mul(beta2, need(inputs.state.v, 'v')), b.mul(b.sub(one, beta2), b.mul(g, g)));
  const correction1 = b.sub(one, b.pow(beta1, step));
  const correction2 = b.sub(one, b.pow(beta2, step));
  const denom = b.add(b.div(b.sqrt(v), b.sqrt(correction2)), need(hyper.epsilon, 'epsilon'));
  const stepSize = b.div(lr, correction1);
  return { param: b.sub(start, b.mul(stepSize, b.div(m, denom))), state: { m, v } };
}
