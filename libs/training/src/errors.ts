import { HearthError } from '@hearth/core';
import type { HearthErrorOptions } from '@hearth/core';

/**
 * Stable error codes for @hearth/training. The executor, the dataset and model resolvers and centralized
 * training throw one of these, so a caller can tell a bad job config (fix the args) from a task that does
 * not fit the model (fix the server side) by comparing `err.code`.
 */
export const TrainingErrorCode = {
  /** Executor or training args are out of range or inconsistent; the message names the arg. */
  INVALID_ARGS: 'HEARTH_ERR_TRAINING_INVALID_ARGS',
  /** The dataset spec names an unknown dataset, or cannot be resolved for this site (no index, index too large). */
  INVALID_DATASET: 'HEARTH_ERR_TRAINING_INVALID_DATASET',
  /** The model spec cannot be built: the ONNX file is missing, unreadable or not importable. */
  INVALID_MODEL: 'HEARTH_ERR_TRAINING_INVALID_MODEL',
  /** The model does not fit the dataset (input size, number of classes). */
  MODEL_DATA_MISMATCH: 'HEARTH_ERR_TRAINING_MODEL_DATA_MISMATCH',
  /** A task's data is not what the task needs: no DXO, the wrong kind, or weights that do not fit the model. */
  INVALID_TASK_DATA: 'HEARTH_ERR_TRAINING_INVALID_TASK_DATA',
  /** `submit_model` was asked for before this site trained a model. */
  NO_LOCAL_MODEL: 'HEARTH_ERR_TRAINING_NO_LOCAL_MODEL',
  /** State handed to `loadState` is not state this executor saved. */
  INVALID_STATE: 'HEARTH_ERR_TRAINING_INVALID_STATE',
} as const;

/** Union of every error code defined by @hearth/training. */
export type TrainingErrorCodeValue = (typeof TrainingErrorCode)[keyof typeof TrainingErrorCode];

/** Builds a training error; `options.context` names what was wrong (arg, site, tensor, file). */
export function trainingError(code: TrainingErrorCodeValue, message: string, options: HearthErrorOptions = {}): HearthError {
  return new HearthError(code, message, options);
}
