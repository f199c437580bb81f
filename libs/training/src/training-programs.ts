import { compileEval, compileTrainLoop, compileTrainStep } from '@hearth/onnx-train';
import type { EvalProgram, OptimizerSpec, TrainProgram } from '@hearth/onnx-train';
import { AsyncMemo } from './internal/async-memo.js';
import type { PreparedModel } from './model-spec.js';

/** The compiled programs one training configuration runs, and the key they are shared under. */
export interface TrainingPrograms {
  /** Identifies model and compile options; sessions over these programs are pooled under it. */
  readonly key: string;
  readonly train: TrainProgram;
  readonly evaluate: EvalProgram;
  /** Mini-batches per `session.run`: K of the Loop program, 1 for the single-step program. */
  readonly stepsPerRun: number;
}

/** Options of {@link compileTrainingPrograms}. */
export interface CompileTrainingOptions {
  readonly model: PreparedModel;
  readonly optimizer: OptimizerSpec;
  /** Add FedProx inputs (anchor and mu). @default false */
  readonly fedProx?: boolean;
  /** Add SCAFFOLD inputs (control variates c and c_i). @default false */
  readonly scaffold?: boolean;
  /** K > 1 compiles the Loop program that runs K steps per run; 1 the single-step program. */
  readonly stepsPerRun: number;
}

const compiled = new AsyncMemo<Pick<TrainingPrograms, 'train' | 'evaluate'>>();

/**
 * Compiles the training and evaluation programs of a model once per process and configuration: every
 * client of a simulation, and every swap-in of the same client, shares them. Hyper-parameters (learning
 * rate, momentum, mu, ...) are program inputs, so schedules never recompile.
 */
export async function compileTrainingPrograms(options: CompileTrainingOptions): Promise<TrainingPrograms> {
  const fedProx = options.fedProx ?? false;
  const scaffold = options.scaffold ?? false;
  const stepsPerRun = options.stepsPerRun;
  const loop = stepsPerRun > 1;
  const compileKey = JSON.stringify([options.model.key, options.optimizer, fedProx, scaffold, loop]);
  const programs = await compiled.get(compileKey, () => {
    const model = options.model.model;
    const compileOptions = { optimizer: options.optimizer, fedProx, scaffold };
    const train = loop ? compileTrainLoop(model, compileOptions) : compileTrainStep(model, compileOptions);
    return Promise.resolve({ train, evaluate: compileEval(model) });
  });
  return { ...programs, key: JSON.stringify([compileKey, stepsPerRun]), stepsPerRun: loop ? stepsPerRun : 1 };
}

/** Forgets every compiled program. */
export function clearTrainingPrograms(): void {
  compiled.clear();
}
