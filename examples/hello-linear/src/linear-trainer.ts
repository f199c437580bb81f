import { ContextKey, DataKind, Dxo, Executor, MetaKey, ReturnCode, Shareable, f32 } from '@hearth/core';
import type { FLContext, ParamMap } from '@hearth/core';
import { Type } from 'typebox';
import type { Static } from 'typebox';
import { makeLinearData, siteSeed } from './linear-data.js';
import type { LinearData } from './linear-data.js';

const ArgsSchema = Type.Object(
  {
    true_weights: Type.Array(Type.Number(), { minItems: 1, default: [1.5, -2, 0.5, 3] }),
    true_bias: Type.Number({ default: 0.25 }),
    samples: Type.Integer({ minimum: 1, default: 64 }),
    local_steps: Type.Integer({ minimum: 1, default: 10 }),
    learning_rate: Type.Number({ exclusiveMinimum: 0, default: 0.1 }),
    noise_std: Type.Number({ minimum: 0, default: 0 }),
    seed: Type.Integer({ default: 0 }),
  },
  { additionalProperties: false },
);

/** Args of {@link LinearTrainer}, as written in `config_fed_client.json`. */
export type LinearTrainerArgs = Static<typeof ArgsSchema>;

/** Key of the per-step training loss the trainer streams. */
export const TRAIN_LOSS_KEY = 'train_loss';

/** Parameter names of the linear model. */
export const WEIGHT = 'weight';
export const BIAS = 'bias';

/**
 * Trains a linear regression model on the site's own synthetic data with full-batch gradient descent:
 * the "hello world" of federated learning, in plain TypeScript, so the runtime can be tried without ONNX.
 * Task `train`: takes the global WEIGHTS, runs `local_steps` steps, returns the new WEIGHTS with the
 * number of samples as the aggregation weight and the training loss as a metric. While it trains it streams
 * the loss of every step as `train_loss` ({@link TRAIN_LOSS_KEY}), at step `round × local_steps + step`.
 */
export class LinearTrainer extends Executor {
  /** Validated by the job loader; defaults are filled in. */
  static readonly argsSchema = ArgsSchema;
  readonly #args: LinearTrainerArgs;
  #data: LinearData | undefined;

  constructor(args: LinearTrainerArgs) {
    super();
    this.#args = args;
  }

  override async execute(taskName: string, data: Shareable, ctx: FLContext, signal: AbortSignal): Promise<Shareable> {
    if (taskName !== 'train') return Shareable.withReturnCode(ReturnCode.TASK_UNKNOWN, `LinearTrainer cannot do task "${taskName}"`);
    signal.throwIfAborted();
    const site = this.#siteData(ctx);
    const params = data.dxo?.params;
    if (params === undefined) return Shareable.withReturnCode(ReturnCode.BAD_TASK_DATA, 'train task carries no model');
    const weight = floatVector(params, WEIGHT, site.features);
    const bias = floatVector(params, BIAS, 1);
    if (weight === undefined || bias === undefined) {
      const message = `the model must hold float vectors "${WEIGHT}" [${site.features}] and "${BIAS}" [1]`;
      return Shareable.withReturnCode(ReturnCode.BAD_TASK_DATA, message);
    }
    const w = Float64Array.from(weight);
    const b = Float64Array.from(bias);
    const lossBefore = meanSquaredError(site, w, b);
    const steps = this.#args.local_steps;
    const firstStep = (ctx.get<number>(ContextKey.CURRENT_ROUND) ?? 0) * steps;
    for (let step = 0; step < steps; step++) {
      const loss = gradientStep({ data: site, w, b, lr: this.#args.learning_rate });
      ctx.engine.sendAnalytics?.({ key: TRAIN_LOSS_KEY, value: loss, step: firstStep + step }, ctx);
    }
    const result: ParamMap = new Map([
      [WEIGHT, f32([site.features], w)],
      [BIAS, f32([1], b)],
    ]);
    const meta = {
      [MetaKey.NUM_STEPS_CURRENT_ROUND]: site.samples,
      metrics: { loss_before: lossBefore, loss: meanSquaredError(site, w, b) },
    };
    return Shareable.fromDxo(new Dxo({ kind: DataKind.WEIGHTS, params: result, meta }));
  }

  #siteData(ctx: FLContext): LinearData {
    this.#data ??= makeLinearData({
      trueWeights: this.#args.true_weights,
      trueBias: this.#args.true_bias,
      samples: this.#args.samples,
      noiseStd: this.#args.noise_std,
      seed: siteSeed(ctx.get<number>(ContextKey.SEED) ?? this.#args.seed, ctx.siteName),
    });
    return this.#data;
  }
}

function floatVector(params: ParamMap, name: string, length: number): ArrayLike<number> | undefined {
  const t = params.get(name);
  if (t === undefined || (t.dtype !== 'F32' && t.dtype !== 'F64') || t.data.length !== length) return undefined;
  return t.data as Float32Array | Float64Array;
}

function predict(data: LinearData, w: Float64Array, b: Float64Array, row: number): number {
  let p = b[0] ?? 0;
  for (let j = 0; j < data.features; j++) p += (data.x[row * data.features + j] ?? 0) * (w[j] ?? 0);
  return p;
}

/** Mean squared error of the model on the site's data. */
export function meanSquaredError(data: LinearData, w: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < data.samples; i++) {
    const r = predict(data, w, b, i) - (data.y[i] ?? 0);
    sum += r * r;
  }
  return sum / data.samples;
}

/** One full-batch gradient step on `w` and `b`, in place; returns the mean squared error before the step. */
function gradientStep(input: { readonly data: LinearData; readonly w: Float64Array; readonly b: Float64Array; readonly lr: number }): number {
  const { data, w, b, lr } = input;
  const gw = new Float64Array(data.features);
  let gb = 0;
  let squares = 0;
  for (let i = 0; i < data.samples; i++) {
    const r = predict(data, w, b, i) - (data.y[i] ?? 0);
    for (let j = 0; j < data.features; j++) gw[j] = (gw[j] ?? 0) + r * (data.x[i * data.features + j] ?? 0);
    gb += r;
    squares += r * r;
  }
  const scale = (2 * lr) / data.samples;
  for (let j = 0; j < data.features; j++) w[j] = (w[j] ?? 0) - scale * (gw[j] ?? 0);
  b[0] = (b[0] ?? 0) - scale * gb;
  return squares / data.samples;
}
