import type { DType } from '@hearth/core';
import { OnnxTrainErrorCode, onnxTrainError } from '../errors.js';
import { GraphBuilder } from '../graph/graph-builder.js';
import { serializeModel } from '../graph/serialize.js';
import { commonFloatDType, targetType } from './losses.js';
import type { LossKind, Model } from './model.js';
import { optimizerHyperDefaults, optimizerKind, optimizerSlots, usesStepCounter } from './optimizers.js';
import type { OptimizerSpec } from './optimizers.js';
import type { FederatedBinding, HyperBinding, HyperName, ParamBinding, StateBinding, StateSlot, TensorBinding, TrainProgram } from './program.js';
import { emitTrainStep } from './train-step.js';
import type { FederatedValues, StepResult, StepValues } from './train-step.js';

/** Options for {@link compileTrainStep} and {@link compileTrainLoop}. */
export interface TrainCompileOptions {
  readonly optimizer: OptimizerSpec;
  /** @default the model's own loss */
  readonly loss?: LossKind;
  /** Add FedProx inputs: a `mu` hyper-parameter and one anchor per trainable parameter. @default false */
  readonly fedProx?: boolean;
  /** Add SCAFFOLD inputs: control variates c and c_i per trainable parameter. @default false */
  readonly scaffold?: boolean;
  /** Seed of the first Dropout layer; each further layer gets the next integer. @default 0 */
  readonly dropoutSeed?: number;
}

const FEDPROX_MU_DEFAULT = 0.01;

interface Declared {
  readonly b: GraphBuilder;
  readonly values: StepValues;
  readonly params: ParamBinding[];
  readonly state: Omit<StateBinding, 'output'>[];
  readonly hyper: HyperBinding[];
  readonly federated: FederatedBinding[];
  readonly batch: { x: TensorBinding; y: TensorBinding };
  readonly loss: LossKind;
}

function trainableNames(model: Model): string[] {
  return [...model.roles].filter(([, role]) => role === 'trainable').map(([name]) => name);
}

/** Declares every program input (parameters, state, hyper-parameters, federated terms, batch) in a fresh builder. */
function declareInputs(model: Model, options: TrainCompileOptions & { stacked: boolean }): Declared {
  const b = new GraphBuilder({ name: options.stacked ? 'hearth_train_loop' : 'hearth_train_step' });
  const loss = options.loss ?? model.loss;
  const trainable = trainableNames(model);
  if (trainable.length === 0) {
    throw onnxTrainError(OnnxTrainErrorCode.INVALID_OPTIONS, 'the model has no trainable parameters', { context: {} });
  }
  const dtype: DType = commonFloatDType(trainable.map((n) => model.params.get(n)?.dtype ?? 'F32'));

  const params: ParamBinding[] = [];
  const paramValues = new Map<string, string>();
  for (const [name, value] of model.params) {
    const role = model.roles.get(name) ?? 'frozen';
    b.input(name, value);
    paramValues.set(name, name);
    params.push({ name, input: name, dtype: value.dtype, shape: [...value.shape], role });
  }

  const state: Omit<StateBinding, 'output'>[] = [];
  const stateValues = new Map<string, Partial<Record<StateSlot, string>>>();
  for (const name of trainable) {
    const value = model.params.get(name);
    if (value === undefined) continue;
    const slots: Partial<Record<StateSlot, string>> = {};
    for (const slot of optimizerSlots(options.optimizer)) {
      const input = b.input(b.uniqueName(`${name}.${slot}`), value);
      slots[slot] = input;
      state.push({ name: `${name}.${slot}`, input, dtype: value.dtype, shape: [...value.shape], slot, param: name });
    }
    stateValues.set(name, slots);
  }
  let step: string | undefined;
  if (usesStepCounter(options.optimizer)) {
    step = b.input(b.uniqueName('step'), { dtype: 'I64', shape: [] });
    state.push({ name: 'step', input: step, dtype: 'I64', shape: [], slot: 'step' });
  }

  const defaults: Partial<Record<HyperName, number>> = { ...optimizerHyperDefaults(options.optimizer) };
  if (options.fedProx === true) defaults.mu = FEDPROX_MU_DEFAULT;
  const hyper: HyperBinding[] = [];
  const hyperValues: Partial<Record<HyperName, string>> = {};
  for (const [name, value] of Object.entries(defaults) as [HyperName, number][]) {
    const input = b.input(b.uniqueName(name), { dtype, shape: [] });
    hyperValues[name] = input;
    hyper.push({ name, input, dtype, default: value });
  }

  const federated: FederatedBinding[] = [];
  const federatedValues = new Map<string, FederatedValues>();
  if (options.fedProx === true || options.scaffold === true) {
    for (const name of trainable) {
      const value = model.params.get(name);
      if (value === undefined) continue;
      const anchor = options.fedProx === true ? b.input(b.uniqueName(`${name}.anchor`), value) : undefined;
      const control = options.scaffold === true ? b.input(b.uniqueName(`${name}.control`), value) : undefined;
      const localControl = options.scaffold === true ? b.input(b.uniqueName(`${name}.local_control`), value) : undefined;
      federatedValues.set(name, { anchor, control, localControl });
      federated.push({ param: name, anchor, control, localControl });
    }
  }

  const xInfo = model.graph.inputs.find((i) => i.name === model.input);
  const yInfo = model.graph.outputs.find((o) => o.name === model.output);
  if (xInfo === undefined || yInfo === undefined) {
    throw onnxTrainError(OnnxTrainErrorCode.INVALID_OPTIONS, 'the model graph lacks its declared input or output', { context: {} });
  }
  const lead = options.stacked ? ['K'] : [];
  const yType = targetType(loss, yInfo);
  const x = b.input(model.input, { dtype: xInfo.dtype, shape: [...lead, ...xInfo.shape] });
  const y = b.input(b.uniqueName('y'), { dtype: yType.dtype, shape: [...lead, ...yType.shape] });
  return {
    b,
    values: { params: paramValues, state: stateValues, step, x, y, hyper: hyperValues, federated: federatedValues },
    params,
    state,
    hyper,
    federated,
    batch: { x: { name: 'x', input: x, ...b.typeOf(x) }, y: { name: 'y', input: y, ...b.typeOf(y) } },
    loss,
  };
}

/** Marks the step's updated values as outputs and assembles the descriptor. */
function finish(declared: Declared, options: { kind: TrainProgram['kind']; spec: OptimizerSpec; result: StepResult }): TrainProgram {
  const { b } = declared;
  const { result } = options;
  const params = declared.params.map((p) => {
    const updated = result.params.get(p.name);
    return updated === undefined ? p : { ...p, output: b.output(updated, b.uniqueName(`${p.name}.new`)) };
  });
  const state: StateBinding[] = declared.state.map((s) => {
    const updated = s.slot === 'step' ? result.step : result.state.get(s.param ?? '')?.[s.slot];
    return { ...s, output: b.output(updated ?? s.input, b.uniqueName(`${s.input}.new`)) };
  });
  const loss = b.output(result.loss, options.kind === 'train-loop' ? 'losses' : 'loss');
  const correct = result.correct === undefined ? undefined : b.output(result.correct, options.kind === 'train-loop' ? 'corrects' : 'correct');
  return {
    kind: options.kind,
    model: serializeModel(b.build()),
    loss: declared.loss,
    optimizer: optimizerKind(options.spec),
    params,
    state,
    hyper: declared.hyper,
    federated: declared.federated,
    batch: declared.batch,
    outputs: correct === undefined ? { loss } : { loss, correct },
  };
}

/**
 * Compiles a training-step program: inputs are the parameters, optimizer state, hyper-parameters,
 * optional FedProx / SCAFFOLD terms and one batch (x, y); outputs are the updated parameters and
 * buffers, the updated state, the loss and the number correct.
 */
export function compileTrainStep(model: Model, options: TrainCompileOptions): TrainProgram {
  const declared = declareInputs(model, { ...options, stacked: false });
  const result = emitTrainStep(declared.b, {
    model,
    loss: declared.loss,
    optimizer: options.optimizer,
    dropoutSeed: options.dropoutSeed,
    values: declared.values,
  });
  return finish(declared, { kind: 'train-step', spec: options.optimizer, result });
}

/**
 * Compiles a program that runs K optimizer steps inside one ONNX Loop: x and y carry a leading K axis
 * (K stacked mini-batches of equal size), parameters, buffers and state are loop-carried, and the loss
 * and number-correct outputs are per-step vectors of length K. One `run` replaces K step runs.
 */
export function compileTrainLoop(model: Model, options: TrainCompileOptions): TrainProgram {
  const declared = declareInputs(model, { ...options, stacked: true });
  const { b, values } = declared;
  const carriedParams = [...model.roles].filter(([, role]) => role !== 'frozen').map(([name]) => name);
  const stateEntries = declared.state.filter((s) => s.slot !== 'step');
  const carried = [
    ...carriedParams.map((p) => values.params.get(p) ?? p),
    ...stateEntries.map((s) => s.input),
    ...(values.step === undefined ? [] : [values.step]),
  ];
  let stepResult: StepResult | undefined;
  const outputs = b.loop({
    trips: b.gather(b.shape(values.x), b.scalar(0, 'I64')),
    condition: b.constant({ dtype: 'BOOL', shape: [], data: Uint8Array.of(1) }, 'loop_true'),
    carried,
    body: (body, inputs) => {
      const params = new Map(values.params);
      carriedParams.forEach((p, i) => params.set(p, inputs.carried[i] ?? ''));
      const state = new Map<string, Partial<Record<StateSlot, string>>>();
      stateEntries.forEach((s, i) => {
        const slots = state.get(s.param ?? '') ?? {};
        slots[s.slot] = inputs.carried[carriedParams.length + i] ?? '';
        state.set(s.param ?? '', slots);
      });
      const step = values.step === undefined ? undefined : inputs.carried[carried.length - 1];
      const result = emitTrainStep(body, {
        model,
        loss: declared.loss,
        optimizer: options.optimizer,
        dropoutSeed: options.dropoutSeed,
        values: { ...values, params, state, step, x: body.gather(values.x, inputs.iteration), y: body.gather(values.y, inputs.iteration) },
      });
      stepResult = result;
      const next = [
        ...carriedParams.map((p) => result.params.get(p) ?? ''),
        ...stateEntries.map((s) => result.state.get(s.param ?? '')?.[s.slot] ?? ''),
        ...(result.step === undefined ? [] : [result.step]),
      ];
      return {
        condition: body.identity(inputs.condition),
        carried: next,
        scans: result.correct === undefined ? [result.loss] : [result.loss, result.correct],
      };
    },
  });
  const final = new Map<string, string>();
  carriedParams.forEach((p, i) => final.set(p, outputs[i] ?? ''));
  const finalState = new Map<string, Partial<Record<StateSlot, string>>>();
  stateEntries.forEach((s, i) => {
    const slots = finalState.get(s.param ?? '') ?? {};
    slots[s.slot] = outputs[carriedParams.length + i] ?? '';
    finalState.set(s.param ?? '', slots);
  });
  const scansAt = carried.length;
  const result: StepResult = {
    params: final,
    state: finalState,
    step: values.step === undefined ? undefined : outputs[carried.length - 1],
    loss: outputs[scansAt] ?? '',
    correct: stepResult?.correct === undefined ? undefined : outputs[scansAt + 1],
  };
  return finish(declared, { kind: 'train-loop', spec: options.optimizer, result });
}
