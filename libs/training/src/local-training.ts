import type { ParamMap } from '@hearth/core';
import type { HyperName, StepMetrics, Trainer } from '@hearth/onnx-train';
import { orderedBatches, shuffledBatches } from './batches.js';
import type { RowSet } from './labelled-data.js';

/** Loss and accuracy over a number of examples. */
export interface LossAccuracy {
  /** Mean loss per example. */
  readonly loss: number;
  /** Fraction classified correctly. */
  readonly accuracy: number;
  readonly examples: number;
}

/** Options of {@link trainEpochs}. */
export interface TrainEpochsOptions {
  readonly trainer: Trainer;
  /** Starting parameters (every parameter and buffer of the model). */
  readonly params: ParamMap;
  readonly rows: RowSet;
  readonly exampleShape: readonly number[];
  readonly batchSize: number;
  readonly epochs: number;
  /** Shuffle seed of each epoch (0-based). */
  readonly seedOf: (epoch: number) => number;
  /** Hyper-parameter values, learning rate included. */
  readonly hyper: Readonly<Partial<Record<HyperName, number>>>;
  /** Optimizer state to continue from. @default zeros */
  readonly state?: ParamMap;
  /** FedProx anchor (the received global model). */
  readonly anchor?: ParamMap;
  /** SCAFFOLD server control variate c. */
  readonly control?: ParamMap;
  /** SCAFFOLD client control variate c_i. */
  readonly localControl?: ParamMap;
  readonly signal?: AbortSignal;
}

/** What {@link trainEpochs} returns: the trained parameters, optimizer state and training metrics. */
export interface TrainEpochsResult extends LossAccuracy {
  readonly params: ParamMap;
  readonly state: ParamMap;
  /** Optimizer steps taken. */
  readonly steps: number;
}

function summarize(steps: readonly StepMetrics[]): LossAccuracy {
  let lossSum = 0;
  let correct = 0;
  let examples = 0;
  for (const step of steps) {
    lossSum += step.loss * step.examples;
    correct += step.correct ?? 0;
    examples += step.examples;
  }
  return { loss: examples === 0 ? Number.NaN : lossSum / examples, accuracy: examples === 0 ? Number.NaN : correct / examples, examples };
}

/** Trains `epochs` passes over `rows` in seeded random order and reports the running loss and accuracy. */
export async function trainEpochs(options: TrainEpochsOptions): Promise<TrainEpochsResult> {
  const { rows, exampleShape, batchSize } = options;
  const result = await options.trainer.train({
    params: options.params,
    epochs: options.epochs,
    batches: (epoch) => shuffledBatches({ rows, batchSize, exampleShape, seed: options.seedOf(epoch) }),
    hyper: options.hyper,
    ...(options.state === undefined ? {} : { state: options.state }),
    ...(options.anchor === undefined ? {} : { anchor: options.anchor }),
    ...(options.control === undefined ? {} : { control: options.control }),
    ...(options.localControl === undefined ? {} : { localControl: options.localControl }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  return { params: result.params, state: result.state, steps: result.steps.length, ...summarize(result.steps) };
}

/** Evaluates `params` on `rows` with the trainer's evaluation program. */
export async function evaluateRows(options: {
  readonly trainer: Trainer;
  readonly params: ParamMap;
  readonly rows: RowSet;
  readonly exampleShape: readonly number[];
  readonly batchSize: number;
}): Promise<LossAccuracy> {
  const { rows, exampleShape, batchSize } = options;
  const result = await options.trainer.evaluate({ params: options.params, batches: orderedBatches({ rows, batchSize, exampleShape }) });
  return { loss: result.loss, accuracy: result.accuracy ?? Number.NaN, examples: result.examples };
}
