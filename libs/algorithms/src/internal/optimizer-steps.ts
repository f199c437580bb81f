import type { CompiledServerOptimizerOptions } from '../server-optimizer-options.js';

/** The arrays of one tensor's step: `out[i] = x[i] + step(Δ[i])`, Δ = `update[i]` or `update[i] − x[i]`. */
export interface StepArrays {
  /** The global tensor; read only. */
  readonly x: Float32Array | Float64Array;
  /** The aggregate tensor; read only. */
  readonly update: Float32Array | Float64Array;
  /** True when `update` is Δ itself (WEIGHT_DIFF), false when it holds new weights (WEIGHTS). */
  readonly isDiff: boolean;
  /** Receives the new values; may not alias `x` or `update`. */
  readonly out: Float32Array | Float64Array;
}

/** SGD: out = x + η Δ, or with momentum v ← β v + Δ; out = x + η v (`velocity` updated in place). */
export function sgdStep(arrays: StepArrays, options: { readonly learningRate: number; readonly momentum: number; readonly velocity: Float64Array | undefined }): void {
  const { x, update, isDiff, out } = arrays;
  const { learningRate, momentum, velocity } = options;
  const n = out.length;
  const shift = isDiff ? 0 : 1;
  if (velocity === undefined) {
    for (let i = 0; i < n; i++) {
      const xi = x[i] as number;
      out[i] = xi + learningRate * ((update[i] as number) - shift * xi);
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    const xi = x[i] as number;
    const v = momentum * (velocity[i] as number) + ((update[i] as number) - shift * xi);
    velocity[i] = v;
    out[i] = xi + learningRate * v;
  }
}

/**
 * Adam, Yogi or Adagrad (Reddi et al., Algorithm 2, without bias correction): m ← β1 m + (1 − β1) Δ, the
 * optimizer's rule for v, then out = x + η m / (√v + τ). `m` and `v` are updated in place.
 */
export function adaptiveStep(
  arrays: StepArrays,
  state: { readonly options: CompiledServerOptimizerOptions; readonly m: Float64Array; readonly v: Float64Array },
): void {
  const { x, update, isDiff, out } = arrays;
  const { m, v } = state;
  const { optimizer, learningRate, beta1, beta2, tau } = state.options;
  const n = out.length;
  const shift = isDiff ? 0 : 1;
  const keep1 = 1 - beta1;
  const keep2 = 1 - beta2;
  for (let i = 0; i < n; i++) {
    const xi = x[i] as number;
    const delta = (update[i] as number) - shift * xi;
    const mi = beta1 * (m[i] as number) + keep1 * delta;
    const squared = delta * delta;
    const previous = v[i] as number;
    let vi: number;
    if (optimizer === 'adam') vi = beta2 * previous + keep2 * squared;
    else if (optimizer === 'yogi') vi = previous - keep2 * squared * Math.sign(previous - squared);
    else vi = previous + squared;
    m[i] = mi;
    v[i] = vi;
    out[i] = xi + (learningRate * mi) / (Math.sqrt(vi) + tau);
  }
}
