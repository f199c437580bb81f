import type { DType, ParamMap, Tensor } from '@hearth/core';
import { CoreErrorCode, HearthError, allocData, zeros } from '@hearth/core';
import type { EvalProgram, HyperName, TensorBinding, TrainProgram } from '../compile/program.js';
import { OnnxTrainErrorCode, onnxTrainError } from '../errors.js';
import { sameBatchShape, stackBatches } from './batches.js';
import type { Batch, BatchSource } from './batches.js';
import type { SessionFactory, SessionRunner } from './session-runner.js';

/** Options for {@link Trainer.create}. */
export interface TrainerOptions {
  /** A `train-step` or `train-loop` program. */
  readonly train: TrainProgram;
  /** Evaluation program for {@link Trainer.evaluate}. @default none */
  readonly evaluate?: EvalProgram;
  /** Opens sessions (libs/ort-runtime in production, onnxruntime-node directly in specs). */
  readonly createSession: SessionFactory;
  /** Mini-batches stacked into one run of a `train-loop` program. @default 8 */
  readonly stepsPerRun?: number;
}

/** Options for {@link Trainer.train}. */
export interface TrainOptions {
  /** Starting values of every parameter and buffer the program declares. */
  readonly params: ParamMap;
  /** @default 1 */
  readonly epochs?: number;
  readonly batches: BatchSource;
  /** Hyper-parameter values; missing ones take the program's defaults. */
  readonly hyper?: Partial<Record<HyperName, number>>;
  /** Optimizer state returned by an earlier call, by state name. @default zeros */
  readonly state?: ParamMap;
  /** FedProx anchor weights by parameter name (required when the program has FedProx inputs). */
  readonly anchor?: ParamMap;
  /** SCAFFOLD server control variates by parameter name. */
  readonly control?: ParamMap;
  /** SCAFFOLD client control variates by parameter name. */
  readonly localControl?: ParamMap;
  /** Stops between runs with HEARTH_ERR_ABORTED. */
  readonly signal?: AbortSignal;
}

/** Loss and accuracy of one optimizer step. */
export interface StepMetrics {
  readonly epoch: number;
  readonly step: number;
  readonly loss: number;
  /** Correct predictions in the batch (classification only). */
  readonly correct?: number;
  readonly examples: number;
}

/** What {@link Trainer.train} returns. */
export interface TrainResult {
  /** Final parameters and buffers, in the program's order. */
  readonly params: ParamMap;
  /** Final optimizer state, to pass back as `state` to continue. */
  readonly state: ParamMap;
  readonly steps: readonly StepMetrics[];
}

/** What {@link Trainer.evaluate} returns. */
export interface EvalResult {
  /** Mean loss per example. */
  readonly loss: number;
  readonly correct?: number;
  readonly accuracy?: number;
  readonly examples: number;
}

function feedError(message: string, context: Record<string, unknown>): HearthError {
  return onnxTrainError(OnnxTrainErrorCode.INVALID_FEED, message, { context });
}

function checkFeed(binding: TensorBinding, value: Tensor | undefined, what: string): Tensor {
  if (value === undefined) throw feedError(`${what} "${binding.name}" is missing`, { name: binding.name });
  const fits =
    value.dtype === binding.dtype &&
    value.shape.length === binding.shape.length &&
    binding.shape.every((d, i) => typeof d !== 'number' || d === value.shape[i]);
  if (!fits) {
    throw feedError(`${what} "${binding.name}" is ${value.dtype}[${value.shape.join(', ')}], expected ${binding.dtype}[${binding.shape.join(', ')}]`, {
      name: binding.name,
    });
  }
  return value;
}

function scalar(dtype: DType, value: number): Tensor {
  const data = allocData(dtype, 1);
  if (data instanceof BigInt64Array) data[0] = BigInt(value);
  else data[0] = value;
  return { dtype, shape: [], data };
}

function numbers(t: Tensor | undefined, name: string): number[] {
  if (t === undefined) throw onnxTrainError(OnnxTrainErrorCode.MISSING_OUTPUT, `the session did not return "${name}"`, { context: { name } });
  return Array.from(t.data as ArrayLike<number | bigint>, (v) => Number(v));
}

async function* iterate(source: Iterable<Batch> | AsyncIterable<Batch>): AsyncGenerator<Batch> {
  yield* source;
}

/**
 * Drives compiled programs through a {@link SessionRunner}: feeds parameters, optimizer state,
 * hyper-parameters and batches, reads back the updated values after every run, and reports per-step
 * loss and accuracy. A `train-loop` program gets up to `stepsPerRun` equally shaped batches per run.
 */
export class Trainer {
  readonly #train: TrainProgram;
  readonly #eval: EvalProgram | undefined;
  readonly #trainSession: SessionRunner;
  readonly #evalSession: SessionRunner | undefined;
  readonly #stepsPerRun: number;
  #closed = false;

  private constructor(options: TrainerOptions, sessions: { train: SessionRunner; eval: SessionRunner | undefined }) {
    this.#train = options.train;
    this.#eval = options.evaluate;
    this.#trainSession = sessions.train;
    this.#evalSession = sessions.eval;
    this.#stepsPerRun = options.train.kind === 'train-loop' ? (options.stepsPerRun ?? 8) : 1;
  }

  /** Opens the sessions of the given programs. */
  static async create(options: TrainerOptions): Promise<Trainer> {
    const steps = options.stepsPerRun ?? 8;
    if (!Number.isInteger(steps) || steps < 1) {
      throw onnxTrainError(OnnxTrainErrorCode.INVALID_OPTIONS, `stepsPerRun must be a positive integer, got ${steps}`, { context: { steps } });
    }
    const train = await options.createSession(options.train.model);
    let evalSession: SessionRunner | undefined;
    try {
      evalSession = options.evaluate === undefined ? undefined : await options.createSession(options.evaluate.model);
    } catch (err) {
      await train.close();
      throw err;
    }
    return new Trainer(options, { train, eval: evalSession });
  }

  #checkOpen(): void {
    if (this.#closed) throw onnxTrainError(OnnxTrainErrorCode.CLOSED, 'the trainer is closed', { context: {} });
  }

  /** Trains for `epochs` over the batches of `batches`, starting from `params`. */
  async train(options: TrainOptions): Promise<TrainResult> {
    this.#checkOpen();
    const program = this.#train;
    const epochs = options.epochs ?? 1;
    if (!Number.isInteger(epochs) || epochs < 0) {
      throw onnxTrainError(OnnxTrainErrorCode.INVALID_OPTIONS, `epochs must be a non-negative integer, got ${epochs}`, { context: { epochs } });
    }
    const feeds: Record<string, Tensor> = {};
    const params = new Map<string, Tensor>();
    for (const p of program.params) {
      const value = checkFeed(p, options.params.get(p.name), 'parameter');
      feeds[p.input] = value;
      params.set(p.name, value);
    }
    const state = new Map<string, Tensor>();
    for (const s of program.state) {
      const given = options.state?.get(s.name);
      const value = given === undefined ? zeros(s.dtype, s.shape.map((d) => (typeof d === 'number' ? d : 0))) : checkFeed(s, given, 'optimizer state');
      feeds[s.input] = value;
      state.set(s.name, value);
    }
    for (const h of program.hyper) feeds[h.input] = scalar(h.dtype, options.hyper?.[h.name] ?? h.default);
    for (const f of program.federated) {
      const param = program.params.find((p) => p.name === f.param);
      if (param === undefined) continue;
      const bind = (input: string | undefined, source: ParamMap | undefined, what: string): void => {
        if (input !== undefined) feeds[input] = checkFeed({ ...param, input }, source?.get(f.param), what);
      };
      bind(f.anchor, options.anchor, 'FedProx anchor');
      bind(f.control, options.control, 'SCAFFOLD control variate');
      bind(f.localControl, options.localControl, 'SCAFFOLD local control variate');
    }
    const fetches = [
      ...program.params.flatMap((p) => (p.output === undefined ? [] : [p.output])),
      ...program.state.map((s) => s.output),
      program.outputs.loss,
      ...(program.outputs.correct === undefined ? [] : [program.outputs.correct]),
    ];
    const steps: StepMetrics[] = [];
    const run = async (group: readonly Batch[], epoch: number): Promise<void> => {
      if (options.signal?.aborted === true) throw new HearthError(CoreErrorCode.ABORTED, 'training was aborted', { context: { epoch } });
      const batch = program.kind === 'train-loop' ? stackBatches(group) : (group[0] as Batch);
      feeds[program.batch.x.input] = checkFeed(program.batch.x, batch.x, 'batch input');
      feeds[program.batch.y.input] = checkFeed(program.batch.y, batch.y, 'batch target');
      const out = await this.#trainSession.run(feeds, fetches);
      for (const p of program.params) {
        if (p.output === undefined) continue;
        const value = out[p.output];
        if (value === undefined) throw onnxTrainError(OnnxTrainErrorCode.MISSING_OUTPUT, `the session did not return "${p.output}"`, { context: {} });
        feeds[p.input] = value;
        params.set(p.name, value);
      }
      for (const s of program.state) {
        const value = out[s.output];
        if (value === undefined) throw onnxTrainError(OnnxTrainErrorCode.MISSING_OUTPUT, `the session did not return "${s.output}"`, { context: {} });
        feeds[s.input] = value;
        state.set(s.name, value);
      }
      const losses = numbers(out[program.outputs.loss], program.outputs.loss);
      const corrects = program.outputs.correct === undefined ? undefined : numbers(out[program.outputs.correct], program.outputs.correct);
      losses.forEach((loss, i) => {
        const correct = corrects?.[i];
        const examples = group[i]?.x.shape[0] ?? 0;
        steps.push(correct === undefined ? { epoch, step: steps.length, loss, examples } : { epoch, step: steps.length, loss, correct, examples });
      });
    };
    for (let epoch = 0; epoch < epochs; epoch++) {
      let group: Batch[] = [];
      for await (const batch of iterate(options.batches(epoch))) {
        const first = group[0];
        if (first !== undefined && (group.length === this.#stepsPerRun || !sameBatchShape(first, batch))) {
          await run(group, epoch);
          group = [];
        }
        group.push(batch);
      }
      if (group.length > 0) await run(group, epoch);
    }
    return { params, state, steps };
  }

  /** Evaluates `params` over `batches` with the evaluation program. */
  async evaluate(options: { params: ParamMap; batches: Iterable<Batch> | AsyncIterable<Batch> }): Promise<EvalResult> {
    this.#checkOpen();
    const program = this.#eval;
    const session = this.#evalSession;
    if (program === undefined || session === undefined) {
      throw onnxTrainError(OnnxTrainErrorCode.INVALID_OPTIONS, 'this trainer was created without an evaluation program', { context: {} });
    }
    const feeds: Record<string, Tensor> = {};
    for (const p of program.params) feeds[p.input] = checkFeed(p, options.params.get(p.name), 'parameter');
    const fetches = [program.outputs.loss, ...(program.outputs.correct === undefined ? [] : [program.outputs.correct])];
    let lossSum = 0;
    let correct = 0;
    let examples = 0;
    for await (const batch of iterate(options.batches)) {
      feeds[program.batch.x.input] = checkFeed(program.batch.x, batch.x, 'batch input');
      feeds[program.batch.y.input] = checkFeed(program.batch.y, batch.y, 'batch target');
      const out = await session.run(feeds, fetches);
      const n = batch.x.shape[0] ?? 0;
      lossSum += (numbers(out[program.outputs.loss], program.outputs.loss)[0] ?? 0) * n;
      if (program.outputs.correct !== undefined) correct += numbers(out[program.outputs.correct], program.outputs.correct)[0] ?? 0;
      examples += n;
    }
    const loss = examples === 0 ? Number.NaN : lossSum / examples;
    if (program.outputs.correct === undefined) return { loss, examples };
    return { loss, correct, accuracy: examples === 0 ? Number.NaN : correct / examples, examples };
  }

  /** Closes the sessions; idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const [train, evaluation] = await Promise.allSettled([this.#trainSession.close(), this.#evalSession?.close()]);
    for (const outcome of [train, evaluation]) if (outcome.status === 'rejected') throw outcome.reason;
  }
}
