import type { ParamMap } from '@hearth/core';
import { OnnxTrainErrorCode, onnxTrainError } from '../errors.js';
import { isDifferentiableDType } from '../graph/dtype.js';
import type { Graph } from '../graph/types.js';

/**
 * How the compiler treats a parameter: `trainable` ones get gradients and optimizer updates, `frozen`
 * ones are fed but never change, `buffer`s (BatchNormalization running statistics) change only through
 * the forward pass.
 */
export type ParamRole = 'trainable' | 'frozen' | 'buffer';

/** The loss a training program minimises: softmax cross-entropy over integer labels, or mean squared error. */
export type LossKind = 'softmax-cross-entropy' | 'mse';

/**
 * A model ready to compile: a forward (inference) graph whose inputs are the data input and every
 * parameter, its initial parameter values and the role of each.
 */
export interface Model {
  /** Forward graph: inputs are `input` plus every name in `params`; `output` is the prediction (logits). */
  readonly graph: Graph;
  /** Name of the data input, such as `x`; its first dimension is the batch. */
  readonly input: string;
  /** Name of the prediction output. */
  readonly output: string;
  /** Initial values of every parameter and buffer, in a stable order. */
  readonly params: ParamMap;
  /** Role of each parameter. */
  readonly roles: ReadonlyMap<string, ParamRole>;
  /** The loss models of this kind are usually trained with. */
  readonly loss: LossKind;
}

/** Options for {@link defineModel}. */
export interface DefineModelOptions {
  readonly graph: Graph;
  readonly input: string;
  readonly output: string;
  readonly params: ParamMap;
  /** Parameters that are fed but not trained. @default none */
  readonly frozen?: readonly string[];
  /** Running statistics updated by the forward pass. @default none */
  readonly buffers?: readonly string[];
  /** @default 'softmax-cross-entropy' */
  readonly loss?: LossKind;
}

function invalid(message: string, context: Record<string, unknown>): Error {
  return onnxTrainError(OnnxTrainErrorCode.INVALID_OPTIONS, message, { context });
}

/**
 * Checks and assembles a {@link Model}: every parameter must be a graph input of the same dtype and
 * shape, the data input and output must exist, and frozen or buffer names must be parameters.
 */
export function defineModel(options: DefineModelOptions): Model {
  const { graph } = options;
  const inputs = new Map(graph.inputs.map((i) => [i.name, i]));
  if (!inputs.has(options.input)) throw invalid(`model input "${options.input}" is not a graph input`, { input: options.input });
  if (options.params.has(options.input)) throw invalid(`model input "${options.input}" is also a parameter`, { input: options.input });
  if (!graph.outputs.some((o) => o.name === options.output)) {
    throw invalid(`model output "${options.output}" is not a graph output`, { output: options.output });
  }
  for (const [name, value] of options.params) {
    const info = inputs.get(name);
    if (info === undefined) throw invalid(`parameter "${name}" is not a graph input`, { param: name });
    if (info.dtype !== value.dtype || info.shape.length !== value.shape.length || info.shape.some((d, i) => d !== value.shape[i])) {
      throw invalid(`parameter "${name}" is ${value.dtype}[${value.shape.join(', ')}] but the graph declares ${info.dtype}[${info.shape.join(', ')}]`, {
        param: name,
      });
    }
  }
  for (const info of graph.inputs) {
    if (info.name !== options.input && !options.params.has(info.name)) {
      throw invalid(`graph input "${info.name}" is neither the data input nor a parameter`, { value: info.name });
    }
  }
  const roles = new Map<string, ParamRole>();
  for (const [name, value] of options.params) {
    roles.set(name, isDifferentiableDType(value.dtype) ? 'trainable' : 'frozen');
  }
  const mark = (names: readonly string[] | undefined, role: ParamRole): void => {
    for (const name of names ?? []) {
      if (!roles.has(name)) throw invalid(`${role} parameter "${name}" is not a parameter of the model`, { param: name });
      roles.set(name, role);
    }
  };
  mark(options.frozen, 'frozen');
  mark(options.buffers, 'buffer');
  return { graph, input: options.input, output: options.output, params: options.params, roles, loss: options.loss ?? 'softmax-cross-entropy' };
}

/** A copy of `model` with `names` frozen (fed but never updated), for fine-tuning only part of a model. */
export function freezeParams(model: Model, names: readonly string[]): Model {
  const roles = new Map(model.roles);
  for (const name of names) {
    const role = roles.get(name);
    if (role === undefined) throw invalid(`cannot freeze "${name}": it is not a parameter of the model`, { param: name });
    if (role === 'trainable') roles.set(name, 'frozen');
  }
  return { ...model, roles };
}
