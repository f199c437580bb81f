import { HearthError } from '@hearth/core';
import { AlgorithmsErrorCode } from './errors.js';

/** The server optimizers of Reddi et al., "Adaptive Federated Optimization" (ICLR 2021). */
export const ServerOptimizerKind = {
  /** SGD with server learning rate and momentum (FedAvgM; FedAvg with rate 1 and momentum 0). */
  SGD: 'sgd',
  /** FedAdam: v ← β2 v + (1 − β2) Δ². */
  ADAM: 'adam',
  /** FedYogi: v ← v − (1 − β2) Δ² sign(v − Δ²). */
  YOGI: 'yogi',
  /** FedAdagrad: v ← v + Δ². */
  ADAGRAD: 'adagrad',
} as const;

/** One of {@link ServerOptimizerKind}. */
export type ServerOptimizerKindValue = (typeof ServerOptimizerKind)[keyof typeof ServerOptimizerKind];

/** Options of {@link ServerOptimizer}; job configs give them in snake_case. */
export interface ServerOptimizerOptions {
  /** Which update rule. @default 'sgd' */
  readonly optimizer?: ServerOptimizerKindValue;
  /** Server learning rate η. @default 1 for sgd, 0.01 for adam, yogi and adagrad */
  readonly learningRate?: number;
  /** SGD momentum β in v ← β v + Δ (FedAvgM); ignored by the adaptive optimizers. @default 0 */
  readonly momentum?: number;
  /** First-moment decay β1 in m ← β1 m + (1 − β1) Δ. @default 0.9 for adam and yogi, 0 for adagrad */
  readonly beta1?: number;
  /** Second-moment decay β2 of adam and yogi. @default 0.99 */
  readonly beta2?: number;
  /** Adaptivity τ in x ← x + η m / (√v + τ); larger is less adaptive. @default 0.001 */
  readonly tau?: number;
  /** The second moment before the first round, v₋₁ (the paper asks for v₋₁ ≥ τ²). @default tau² */
  readonly initialAccumulator?: number;
}

/** {@link ServerOptimizerOptions} with every default applied and every value checked. */
export type CompiledServerOptimizerOptions = Required<ServerOptimizerOptions>;

function invalid(message: string, context: Readonly<Record<string, unknown>>): HearthError {
  return new HearthError(AlgorithmsErrorCode.OPTIMIZER_INVALID_OPTIONS, message, { context });
}

function nonNegative(name: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw invalid(`server optimizer: ${name} must be a finite number >= 0, got ${String(value)}`, { [name]: value });
  }
  return value;
}

function decay(name: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value >= 1) {
    throw invalid(`server optimizer: ${name} must be in [0, 1), got ${String(value)}`, { [name]: value });
  }
  return value;
}

/** Checks `options` and fills in the defaults; throws HEARTH_ERR_OPTIMIZER_INVALID_OPTIONS naming the bad option. */
export function compileServerOptimizerOptions(options: ServerOptimizerOptions = {}): CompiledServerOptimizerOptions {
  const optimizer = options.optimizer ?? ServerOptimizerKind.SGD;
  if (!Object.values<string>(ServerOptimizerKind).includes(optimizer)) {
    const known = Object.values(ServerOptimizerKind).join(', ');
    throw invalid(`server optimizer: optimizer must be one of ${known}, got ${JSON.stringify(optimizer)}`, { optimizer });
  }
  const sgd = optimizer === ServerOptimizerKind.SGD;
  const tau = nonNegative('tau', options.tau ?? 0.001);
  const learningRate = nonNegative('learningRate', options.learningRate ?? (sgd ? 1 : 0.01));
  if (learningRate === 0) throw invalid('server optimizer: learningRate must be > 0, got 0', { learningRate });
  const initialAccumulator = nonNegative('initialAccumulator', options.initialAccumulator ?? tau * tau);
  if (!sgd && tau === 0 && initialAccumulator === 0) {
    throw invalid('server optimizer: tau and initialAccumulator are both 0, so the first step would divide by zero', { tau, initialAccumulator });
  }
  return {
    optimizer,
    learningRate,
    momentum: decay('momentum', options.momentum ?? 0),
    beta1: decay('beta1', options.beta1 ?? (optimizer === ServerOptimizerKind.ADAGRAD ? 0 : 0.9)),
    beta2: decay('beta2', options.beta2 ?? 0.99),
    tau,
    initialAccumulator,
  };
}
