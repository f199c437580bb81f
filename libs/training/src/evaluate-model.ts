import { silentLogger } from '@hearth/core';
import type { Logger, ParamMap } from '@hearth/core';
import type { ExecutionProviderName } from '@hearth/ort-runtime';
import type { DataSourceSpecInput } from './dataset-spec.js';
import { loadFashionMnistData } from './fashion-mnist-data.js';
import type { FashionMnistData } from './fashion-mnist-data.js';
import { allRows } from './labelled-data.js';
import { evaluateRows } from './local-training.js';
import type { LossAccuracy } from './local-training.js';
import { prepareModel } from './model-spec.js';
import type { ModelSpecInput } from './model-spec.js';
import { TrainerPool } from './trainer-pool.js';
import { compileTrainingPrograms } from './training-programs.js';

/** Options of {@link evaluateModel}. */
export interface EvaluateModelOptions {
  /** The model the parameters belong to. */
  readonly model: ModelSpecInput;
  /** Every parameter and buffer of the model, e.g. a job's `final.safetensors`. */
  readonly params: ParamMap;
  readonly dataset: DataSourceSpecInput;
  /** Which split to evaluate on. @default 'test' */
  readonly split?: 'train' | 'test';
  /** Examples per evaluation run. @default 500 */
  readonly batchSize?: number;
  /** @default ['cuda', 'cpu'] */
  readonly executionProviders?: readonly ExecutionProviderName[];
  /** @default 1 */
  readonly intraOpThreads?: number;
  /** Folder a relative `onnx_file` resolves from. @default the current directory */
  readonly jobDir?: string;
  /** @default silentLogger() */
  readonly logger?: Logger;
}

/**
 * Loss and accuracy of a trained model on a whole Fashion-MNIST split: how a federated job's final global
 * model is scored against the centralized baseline. Opens its sessions for the call and closes them.
 */
export async function evaluateModel(options: EvaluateModelOptions): Promise<LossAccuracy & { readonly source: FashionMnistData['source'] }> {
  const logger = options.logger ?? silentLogger();
  const data = await loadFashionMnistData({ spec: options.dataset, logger });
  const split = options.split === 'train' ? data.train : data.test;
  const model = await prepareModel({
    spec: options.model,
    target: { features: split.features, classes: split.numClasses },
    ...(options.jobDir === undefined ? {} : { jobDir: options.jobDir }),
  });
  const programs = await compileTrainingPrograms({ model, optimizer: { type: 'sgd', momentum: false }, stepsPerRun: 1 });
  const pool = new TrainerPool({ logger });
  try {
    const lease = await pool.acquire({
      programs,
      sessions: { executionProviders: options.executionProviders ?? ['cuda', 'cpu'], intraOpThreads: options.intraOpThreads ?? 1 },
      reusable: false,
      logger,
    });
    try {
      const result = await evaluateRows({ trainer: lease.trainer, params: options.params, rows: allRows(split), exampleShape: model.exampleShape, batchSize: options.batchSize ?? 500 });
      return { ...result, source: data.source };
    } finally {
      await lease.release();
    }
  } finally {
    await pool.close();
  }
}
