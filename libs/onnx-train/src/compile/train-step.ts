import { buildGradients } from '../autodiff/build-gradients.js';
import { emitTrainingForward } from '../autodiff/lower-for-training.js';
import type { GraphBuilder } from '../graph/graph-builder.js';
import type { NodeDef } from '../graph/types.js';
import { emitLoss } from './losses.js';
import type { LossKind, Model } from './model.js';
import { emitUpdate, usesStepCounter } from './optimizers.js';
import type { OptimizerSpec } from './optimizers.js';
import type { HyperName, StateSlot } from './program.js';

/** Federated terms of one parameter's gradient. */
export interface FederatedValues {
  readonly anchor?: string;
  readonly control?: string;
  readonly localControl?: string;
}

/** The values a training step reads, by the names they have in the builder. */
export interface StepValues {
  /** Every parameter (trainable, frozen, buffer) to its value. */
  readonly params: ReadonlyMap<string, string>;
  /** Optimizer slots of each trainable parameter. */
  readonly state: ReadonlyMap<string, Readonly<Partial<Record<StateSlot, string>>>>;
  /** Shared int64 step counter (Adam, AdamW). */
  readonly step?: string;
  readonly x: string;
  readonly y: string;
  readonly hyper: Readonly<Partial<Record<HyperName, string>>>;
  readonly federated: ReadonlyMap<string, FederatedValues>;
}

/** The values a training step produces. */
export interface StepResult {
  /** Updated trainable parameters and buffers. */
  readonly params: Map<string, string>;
  readonly state: Map<string, Partial<Record<StateSlot, string>>>;
  readonly step?: string;
  readonly loss: string;
  readonly correct?: string;
}

/** What {@link emitTrainStep} needs. */
export interface EmitTrainStepOptions {
  readonly model: Model;
  readonly loss: LossKind;
  readonly optimizer: OptimizerSpec;
  readonly dropoutSeed?: number;
  readonly values: StepValues;
}

function renameInputs(nodes: readonly NodeDef[], rename: ReadonlyMap<string, string>): NodeDef[] {
  return nodes.map((node) => ({ ...node, inputs: node.inputs.map((i) => rename.get(i) ?? i) }));
}

/**
 * Emits one training step into `b`: the forward pass in training mode, the loss, reverse-mode
 * gradients of every trainable parameter, the FedProx (mu * (w - anchor)) and SCAFFOLD (c - c_i) terms
 * when their inputs are given, and the optimizer update. Used for single-step programs and Loop bodies.
 */
export function emitTrainStep(b: GraphBuilder, options: EmitTrainStepOptions): StepResult {
  const { model, values } = options;
  const rename = new Map(values.params);
  rename.set(model.input, values.x);
  for (const [name, value] of model.graph.initializers) if (!b.has(name)) b.initializer(name, value);
  const forward = emitTrainingForward(b, renameInputs(model.graph.nodes, rename), { dropoutSeed: options.dropoutSeed });
  const prediction = rename.get(model.output) ?? model.output;
  const { loss, correct } = emitLoss(b, { kind: options.loss, prediction, target: values.y });

  const trainable = [...model.roles].filter(([, role]) => role === 'trainable').map(([name]) => name);
  const grads = buildGradients(b, { loss, wrt: trainable.map((p) => values.params.get(p) ?? p) });
  const counter = usesStepCounter(options.optimizer) && values.step !== undefined ? b.add(values.step, b.scalar(1, 'I64')) : undefined;
  const firstParam = values.params.get(trainable[0] ?? '') ?? '';
  const step = counter === undefined || firstParam === '' ? undefined : b.cast(counter, b.typeOf(firstParam).dtype);

  const params = new Map<string, string>();
  const state = new Map<string, Partial<Record<StateSlot, string>>>();
  for (const name of trainable) {
    const w = values.params.get(name) ?? name;
    let g = grads.get(w) ?? '';
    const fed = values.federated.get(name);
    if (fed?.anchor !== undefined && values.hyper.mu !== undefined) g = b.add(g, b.mul(values.hyper.mu, b.sub(w, fed.anchor)));
    if (fed?.control !== undefined && fed.localControl !== undefined) g = b.add(g, b.sub(fed.control, fed.localControl));
    const updated = emitUpdate(b, { spec: options.optimizer, param: w, grad: g, state: values.state.get(name) ?? {}, hyper: values.hyper, step });
    params.set(name, updated.param);
    state.set(name, updated.state);
  }
  for (const [name, role] of model.roles) {
    if (role !== 'buffer') continue;
    const value = values.params.get(name) ?? name;
    params.set(name, forward.bufferUpdates.get(value) ?? value);
  }
  return { params, state, step: counter, loss, correct };
}
