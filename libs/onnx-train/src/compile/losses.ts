import type { DType } from '@hearth/core';
import { OnnxTrainErrorCode, onnxTrainError } from '../errors.js';
import type { GraphBuilder } from '../graph/graph-builder.js';
import type { ValueType } from '../graph/types.js';
import type { LossKind } from './model.js';

/** Loss and metric values emitted for one batch. */
export interface LossValues {
  /** Scalar mean loss over the batch. */
  readonly loss: string;
  /** Int64 scalar: predictions whose arg-max equals the label (classification only). */
  readonly correct?: string;
}

/** The type of the targets `y` a loss expects for predictions of type `prediction`. */
export function targetType(kind: LossKind, prediction: ValueType): ValueType {
  if (kind === 'mse') return prediction;
  if (prediction.shape.length !== 2) {
    throw onnxTrainError(OnnxTrainErrorCode.INVALID_OPTIONS, `softmax cross-entropy needs [N, C] logits, got [${prediction.shape.join(', ')}]`, {
      context: { shape: prediction.shape },
    });
  }
  return { dtype: 'I64', shape: [prediction.shape[0] ?? 'N'] };
}

/** Emits the mean loss of `prediction` against `target`, and the number correct for classification. */
export function emitLoss(b: GraphBuilder, options: { kind: LossKind; prediction: string; target: string }): LossValues {
  const { prediction, target } = options;
  if (options.kind === 'mse') {
    const diff = b.sub(prediction, target);
    return { loss: b.reduceMean(b.mul(diff, diff)) };
  }
  const [loss] = b.softmaxCrossEntropyLoss(prediction, target);
  const hits = b.equal(b.argMax(prediction, { axis: 1 }), b.cast(target, 'I64'));
  return { loss: loss as string, correct: b.reduceSum(b.cast(hits, 'I64')) };
}

/** The single floating dtype shared by `dtypes`, which hyper-parameters and optimizer state use. */
export function commonFloatDType(dtypes: readonly DType[]): DType {
  const unique = [...new Set(dtypes)];
  if (unique.length !== 1 || (unique[0] !== 'F32' && unique[0] !== 'F64')) {
    throw onnxTrainError(OnnxTrainErrorCode.UNSUPPORTED_DTYPE, `trainable parameters must all be F32 or all F64, got ${unique.join(', ') || 'none'}`, {
      context: { dtypes: unique },
    });
  }
  return unique[0];
}
