import { DataKind, HearthError, allocData, isFloatDType, numelOf } from '@hearth/core';
import type { FLContext, ParamMap, Tensor } from '@hearth/core';
import { AlgorithmsErrorCode } from './errors.js';
import { adaptiveStep, sgdStep } from './internal/optimizer-steps.js';
import { describeTensor, sameShape } from './internal/tensor-layout.js';
import { ModelUpdater } from './model-updater.js';
import type { ModelUpdateInput } from './model-updater.js';
import { ServerOptimizerKind, compileServerOptimizerOptions } from './server-optimizer-options.js';
import type { CompiledServerOptimizerOptions, ServerOptimizerOptions } from './server-optimizer-options.js';

/** Buffers of one tensor, allocated on its first step. */
interface TensorState {
  readonly shape: readonly number[];
  /** SGD momentum buffer. */
  readonly velocity?: Float64Array;
  /** First moment. */
  readonly m?: Float64Array;
  /** Second moment. */
  readonly v?: Float64Array;
}

type Buffer = 'velocity' | 'm' | 'v';

/** One planned tensor update, checked before any state changes. */
interface Planned {
  readonly name: string;
  readonly x: Tensor;
  readonly update: Tensor;
}

function mismatch(message: string, context: Readonly<Record<string, unknown>>): HearthError {
  return new HearthError(AlgorithmsErrorCode.MODEL_MISMATCH, message, { context });
}

function badState(message: string, context: Readonly<Record<string, unknown>>): HearthError {
  return new HearthError(AlgorithmsErrorCode.INVALID_STATE, message, { context });
}

/**
 * Server-side optimization of the global model (Reddi et al. 2021, "Adaptive Federated Optimization"): with
 * Δ the round's mean client update (a WEIGHT_DIFF aggregate, or a WEIGHTS aggregate minus the global model),
 * the model moves by x ← x + step(Δ):
 *
 * - `sgd`: v ← β v + Δ; x ← x + η v (FedAvgM; η = 1 and β = 0 is FedAvg),
 * - `adam`: m ← β1 m + (1 − β1) Δ; v ← β2 v + (1 − β2) Δ²; x ← x + η m / (√v + τ),
 * - `yogi`: as adam with v ← v − (1 − β2) Δ² sign(v − Δ²),
 * - `adagrad`: as adam with v ← v + Δ².
 *
 * As in the paper there is no bias correction, and v starts at `initialAccumulator` (τ² by default). The
 * state is one Float64 buffer per moment per float tensor, O(model), updated in place; the new model is
 * written into fresh arrays (the old one may still be queued for clients). The arithmetic is a fixed
 * sequence of IEEE operations, so equal inputs give bit-equal models, run after run and across resumes.
 *
 * Only F32 and F64 tensors are stepped. Tensors the aggregate leaves out keep their global values; integer
 * tensors in a WEIGHTS aggregate are taken as they are. Anything else that does not fit the model (a name the
 * model lacks, another dtype or shape, F16/BF16, integer deltas, a non-tensor kind) throws
 * HEARTH_ERR_ALGORITHMS_MODEL_MISMATCH before any state changes.
 */
export class ServerOptimizer extends ModelUpdater {
  /** The checked options. */
  readonly options: CompiledServerOptimizerOptions;
  readonly #state = new Map<string, TensorState>();

  constructor(options: ServerOptimizerOptions = {}) {
    super();
    this.options = compileServerOptimizerOptions(options);
  }

  /** Moves the global model by one optimizer step along the aggregate's Δ; see the class comment. */
  override updateModel(input: ModelUpdateInput, ctx: FLContext): ParamMap {
    const { global, aggregate } = input;
    if (aggregate.kind !== DataKind.WEIGHTS && aggregate.kind !== DataKind.WEIGHT_DIFF) {
      throw mismatch(`server optimizer ${this.id}: cannot step along a ${aggregate.kind} aggregate; expected WEIGHTS or WEIGHT_DIFF`, {
        kind: aggregate.kind,
      });
    }
    const isDiff = aggregate.kind === DataKind.WEIGHT_DIFF;
    const plan = this.#plan({ global, updates: aggregate.requireParams(), isDiff });
    const next: ParamMap = new Map(global);
    for (const { name, x, update } of plan) {
      if (!isFloatDType(x.dtype)) {
        next.set(name, update);
        continue;
      }
      const out = allocData(x.dtype, x.data.length);
      this.#step({ name, x, update, out, isDiff });
      next.set(name, { dtype: x.dtype, shape: [...x.shape], data: out });
    }
    ctx.engine.logger.debug({ component: this.id, round: input.round, optimizer: this.options.optimizer, tensors: plan.length }, 'server optimizer step');
    return next;
  }

  /** Copies of the moment buffers as F64 tensors named `velocity:<tensor>`, `m:<tensor>` and `v:<tensor>`. */
  override saveState(): ParamMap {
    const out: ParamMap = new Map();
    for (const [name, state] of this.#state) {
      for (const buffer of ['velocity', 'm', 'v'] as const) {
        const data = state[buffer];
        if (data !== undefined) out.set(`${buffer}:${name}`, { dtype: 'F64', shape: [...state.shape], data: data.slice() });
      }
    }
    return out;
  }

  /**
   * Replaces the moment buffers with copies of `state` (as {@link ServerOptimizer.saveState} wrote it);
   * throws HEARTH_ERR_ALGORITHMS_INVALID_STATE for entries this optimizer does not keep, non-F64 tensors, or
   * a tensor with some but not all of its buffers.
   */
  override loadState(state: ParamMap): void {
    const wanted = this.#buffers();
    const loaded = new Map<string, { shape: readonly number[]; buffers: Map<Buffer, Float64Array> }>();
    for (const [key, t] of state) {
      const colon = key.indexOf(':');
      const buffer = key.slice(0, colon) as Buffer;
      const name = key.slice(colon + 1);
      if (colon < 0 || !wanted.includes(buffer)) {
        throw badState(`server optimizer ${this.id} (${this.options.optimizer}): unexpected state entry "${key}"`, { key });
      }
      if (t.dtype !== 'F64' || t.data.length !== numelOf(t.shape)) {
        throw badState(`server optimizer ${this.id}: state entry "${key}" must be a well-formed F64 tensor, got ${describeTensor(t)}`, { key });
      }
      const entry = loaded.get(name) ?? { shape: t.shape, buffers: new Map<Buffer, Float64Array>() };
      if (!sameShape(entry.shape, t.shape)) throw badState(`server optimizer ${this.id}: state entries of "${name}" differ in shape`, { name });
      entry.buffers.set(buffer, (t.data as Float64Array).slice());
      loaded.set(name, entry);
    }
    this.#state.clear();
    for (const [name, { shape, buffers }] of loaded) {
      const missing = wanted.filter((b) => !buffers.has(b));
      if (missing.length > 0) throw badState(`server optimizer ${this.id}: state of "${name}" lacks ${missing.join(', ')}`, { name, missing });
      this.#state.set(name, { shape: [...shape], velocity: buffers.get('velocity'), m: buffers.get('m'), v: buffers.get('v') });
    }
  }

  #buffers(): Buffer[] {
    if (this.options.optimizer !== ServerOptimizerKind.SGD) return ['m', 'v'];
    return this.options.momentum > 0 ? ['velocity'] : [];
  }

  #plan(input: { readonly global: ParamMap; readonly updates: ParamMap; readonly isDiff: boolean }): Planned[] {
    const { global, updates, isDiff } = input;
    const who = `server optimizer ${this.id}`;
    for (const name of updates.keys()) {
      if (!global.has(name)) throw mismatch(`${who}: the aggregate names ${name}, which the global model does not have`, { name });
    }
    const plan: Planned[] = [];
    for (const [name, x] of global) {
      const update = updates.get(name);
      if (update === undefined) continue;
      if (update.dtype !== x.dtype || !sameShape(update.shape, x.shape) || update.data.length !== x.data.length) {
        throw mismatch(`${who}: the aggregate has ${name} as ${describeTensor(update)} but the global model has ${describeTensor(x)}`, {
          name,
          expected: describeTensor(x),
          got: describeTensor(update),
        });
      }
      if (x.dtype === 'F16' || x.dtype === 'BF16') {
        throw mismatch(`${who}: ${name} is ${x.dtype}; server optimizers step F32 and F64 tensors only`, { name, dtype: x.dtype });
      }
      if (!isFloatDType(x.dtype) && isDiff) {
        throw mismatch(`${who}: cannot add a WEIGHT_DIFF to ${name} of dtype ${x.dtype}; only F32 and F64 add`, { name, dtype: x.dtype });
      }
      const state = this.#state.get(name);
      if (state !== undefined && !sameShape(state.shape, x.shape)) {
        throw mismatch(`${who}: ${name} changed shape from [${state.shape.join(', ')}] to [${x.shape.join(', ')}] between rounds`, { name });
      }
      plan.push({ name, x, update });
    }
    return plan;
  }

  #step(input: { readonly name: string; readonly x: Tensor; readonly update: Tensor; readonly out: Float32Array | Float64Array; readonly isDiff: boolean }): void {
    const arrays = {
      x: input.x.data as Float32Array | Float64Array,
      update: input.update.data as Float32Array | Float64Array,
      isDiff: input.isDiff,
      out: input.out,
    };
    const state = this.#stateOf(input.name, input.x);
    const { options } = this;
    if (options.optimizer === ServerOptimizerKind.SGD) {
      sgdStep(arrays, { learningRate: options.learningRate, momentum: options.momentum, velocity: state.velocity });
      return;
    }
    adaptiveStep(arrays, { options, m: state.m as Float64Array, v: state.v as Float64Array });
  }

  #stateOf(name: string, x: Tensor): TensorState {
    const existing = this.#state.get(name);
    if (existing !== undefined) return existing;
    const n = x.data.length;
    const { optimizer, momentum, initialAccumulator } = this.options;
    let state: TensorState;
    if (optimizer !== ServerOptimizerKind.SGD) state = { shape: [...x.shape], m: new Float64Array(n), v: new Float64Array(n).fill(initialAccumulator) };
    else if (momentum > 0) state = { shape: [...x.shape], velocity: new Float64Array(n) };
    else state = { shape: [...x.shape] };
    this.#state.set(name, state);
    return state;
  }
}
