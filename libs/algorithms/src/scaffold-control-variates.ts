import { HearthError, allocData, isFloatDType, numelOf } from '@hearth/core';
import type { ParamMap, Tensor } from '@hearth/core';
import { AlgorithmsErrorCode } from './errors.js';
import { describeTensor, sameShape } from './internal/tensor-layout.js';

function invalidArgument(message: string, context: Readonly<Record<string, unknown>> = {}): HearthError {
  return new HearthError(AlgorithmsErrorCode.INVALID_ARGUMENT, message, { context });
}

/**
 * The server half of SCAFFOLD (Karimireddy et al. 2020, "SCAFFOLD: Stochastic Controlled Averaging for
 * Federated Learning"): the global control variate c and the round's streaming sum of the clients'
 * control-variate updates Δc_i. At the end of a round c ← c + (|S| / N) · Σ_{i∈S} w_i Δc_i / Σ_{i∈S} w_i, with N
 * the clients asked, S those that answered and w_i the weight each update was added with. With equal weights
 * that is the paper's c + Σ Δc_i / N. The workflow weighs Δc_i like the client's model update (its sample
 * count): the corrections c − c_i then cancel in the weighted model aggregate, as they do in the paper's uniform
 * one, whereas a uniform c under a sample-weighted model leaves a bias of c − Σ w_i c_i in every round's step,
 * large when client sizes differ as much as they do under a skewed split.
 *
 * c holds one tensor per F32/F64 tensor of the model, same name, dtype and shape (integer tensors have no
 * gradient, so no control variate). The sum is one Float64 buffer per tensor, zeroed in place every round,
 * so memory is O(model) whatever the number of clients. Each round produces a new c; the previous one is
 * never modified, because it may still be on its way to clients.
 */
export class ScaffoldControlVariates {
  #c: ParamMap | undefined;
  #sums = new Map<string, Float64Array>();
  #contributions = 0;
  #weightSum = 0;

  /** The global control variate c; throws before {@link ScaffoldControlVariates.initialize} or `load`. */
  get global(): ParamMap {
    if (this.#c === undefined) throw invalidArgument('SCAFFOLD control variates are not initialized; call initialize() or load() first');
    return this.#c;
  }

  /** True once c exists. */
  get initialized(): boolean {
    return this.#c !== undefined;
  }

  /** Control-variate updates added since the last {@link ScaffoldControlVariates.beginRound}. */
  get contributions(): number {
    return this.#contributions;
  }

  /** Sets c to zero for every F32/F64 tensor of `model` and clears the round. */
  initialize(model: ParamMap): void {
    const c: ParamMap = new Map();
    for (const [name, t] of model) {
      if (isFloatDType(t.dtype)) c.set(name, { dtype: t.dtype, shape: [...t.shape], data: allocData(t.dtype, t.data.length) });
    }
    this.#adopt(c);
  }

  /**
   * Sets c to a copy of `c` (from a snapshot) and clears the round; throws HEARTH_ERR_ALGORITHMS_INVALID_STATE
   * when a tensor is not a well-formed F32/F64 tensor.
   */
  load(c: ParamMap): void {
    const copy: ParamMap = new Map();
    for (const [name, t] of c) {
      if (!isFloatDType(t.dtype) || t.data.length !== numelOf(t.shape)) {
        throw new HearthError(AlgorithmsErrorCode.INVALID_STATE, `SCAFFOLD control variate ${name} must be a well-formed F32 or F64 tensor, got ${describeTensor(t)}`, {
          context: { name },
        });
      }
      copy.set(name, { dtype: t.dtype, shape: [...t.shape], data: t.data.slice() });
    }
    this.#adopt(copy);
  }

  /** Zeroes the running sum for a new round. */
  beginRound(): void {
    for (const sum of this.#sums.values()) sum.fill(0);
    this.#contributions = 0;
    this.#weightSum = 0;
  }

  /** Why `diff` cannot be added (a missing, extra or differently shaped tensor), or undefined when it fits c. */
  check(diff: ParamMap): string | undefined {
    const c = this.global;
    for (const [name, expected] of c) {
      const t = diff.get(name);
      if (t === undefined) return `control-variate update lacks ${name}`;
      if (!isFloatDType(t.dtype)) return `control-variate update ${name} is ${t.dtype}; expected F32 or F64`;
      if (!sameShape(t.shape, expected.shape) || t.data.length !== expected.data.length) {
        return `control-variate update ${name} is ${describeTensor(t)}; expected shape [${expected.shape.join(', ')}]`;
      }
    }
    if (diff.size !== c.size) {
      const extra = [...diff.keys()].filter((name) => !c.has(name));
      return `control-variate update has tensors the model's control variate lacks: ${extra.join(', ')}`;
    }
    return undefined;
  }

  /** Adds one client's Δc_i, times `weight` (> 0), to the running sum, in place; throws HEARTH_ERR_ALGORITHMS_MODEL_MISMATCH when it does not fit. */
  add(diff: ParamMap, weight = 1): void {
    const problem = this.check(diff);
    if (problem !== undefined) throw new HearthError(AlgorithmsErrorCode.MODEL_MISMATCH, problem);
    if (!Number.isFinite(weight) || weight <= 0) throw invalidArgument(`SCAFFOLD: a control-variate update's weight must be > 0, got ${weight}`, { weight });
    for (const [name, sum] of this.#sums) {
      const data = (diff.get(name) as Tensor).data as Float32Array | Float64Array;
      for (let i = 0; i < sum.length; i++) sum[i] = (sum[i] as number) + weight * (data[i] as number);
    }
    this.#contributions += 1;
    this.#weightSum += weight;
  }

  /**
   * Closes the round: c ← c + Σ Δc_i / `numClients` into new arrays, and returns the new c. `numClients` is N,
   * the number of clients the round asked (at least the number that contributed). A round without
   * contributions leaves c as it is.
   */
  finishRound(numClients: number): ParamMap {
    const c = this.global;
    if (!Number.isSafeInteger(numClients) || numClients < Math.max(1, this.#contributions)) {
      throw invalidArgument(`SCAFFOLD: numClients must be an integer >= max(1, contributions ${this.#contributions}), got ${numClients}`, {
        numClients,
        contributions: this.#contributions,
      });
    }
    if (this.#contributions === 0) return c;
    const scale = this.#contributions / numClients / this.#weightSum;
    const next: ParamMap = new Map();
    for (const [name, t] of c) {
      const sum = this.#sums.get(name) as Float64Array;
      const old = t.data as Float32Array | Float64Array;
      const out = allocData(t.dtype as 'F32' | 'F64', old.length);
      for (let i = 0; i < out.length; i++) out[i] = (old[i] as number) + (sum[i] as number) * scale;
      next.set(name, { dtype: t.dtype, shape: [...t.shape], data: out });
    }
    this.#c = next;
    return next;
  }

  #adopt(c: ParamMap): void {
    this.#c = c;
    this.#sums = new Map([...c].map(([name, t]) => [name, new Float64Array(t.data.length)]));
    this.#contributions = 0;
  }
}
