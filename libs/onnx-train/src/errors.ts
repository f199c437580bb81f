import { HearthError } from '@hearth/core';
import type { HearthErrorOptions } from '@hearth/core';

/**
 * Stable error codes for @hearth/onnx-train. Graph construction, import, autodiff and the trainer throw
 * one of these, so a caller can tell a broken model from a bad feed by comparing `err.code`.
 */
export const OnnxTrainErrorCode = {
  /** A node's inputs or attributes do not fit its op (wrong rank, dtype, shape or a missing input). */
  INVALID_NODE: 'HEARTH_ERR_ONNX_INVALID_NODE',
  /** A graph is structurally broken: unknown value, duplicate name, cycle, missing output. */
  INVALID_GRAPH: 'HEARTH_ERR_ONNX_INVALID_GRAPH',
  /** An op has no shape inference here, so graphs that use it cannot be built or imported. */
  UNSUPPORTED_OP: 'HEARTH_ERR_ONNX_UNSUPPORTED_OP',
  /** An op is known but the attribute value or input form it was given is not supported. */
  UNSUPPORTED_ATTRIBUTE: 'HEARTH_ERR_ONNX_UNSUPPORTED_ATTRIBUTE',
  /** An op on the path from a trainable parameter to the loss has no vector-Jacobian rule. */
  NO_GRADIENT: 'HEARTH_ERR_ONNX_NO_GRADIENT',
  /** Model bytes cannot be parsed as an ONNX ModelProto, or use features this lib does not read. */
  INVALID_MODEL: 'HEARTH_ERR_ONNX_INVALID_MODEL',
  /** The model imports an opset version or domain this lib does not support. */
  UNSUPPORTED_OPSET: 'HEARTH_ERR_ONNX_UNSUPPORTED_OPSET',
  /** An element type has no Hearth dtype, or a dtype is not allowed where it was used. */
  UNSUPPORTED_DTYPE: 'HEARTH_ERR_ONNX_UNSUPPORTED_DTYPE',
  /** Options given to a model, compiler or trainer are invalid. */
  INVALID_OPTIONS: 'HEARTH_ERR_ONNX_INVALID_OPTIONS',
  /** A tensor fed to a compiled program (parameter, state, batch) does not match its descriptor. */
  INVALID_FEED: 'HEARTH_ERR_ONNX_INVALID_FEED',
  /** The session runner did not return a tensor the descriptor promises. */
  MISSING_OUTPUT: 'HEARTH_ERR_ONNX_MISSING_OUTPUT',
  /** The trainer was used after `close()`. */
  CLOSED: 'HEARTH_ERR_ONNX_CLOSED',
} as const;

/** Union of every error code defined by @hearth/onnx-train. */
export type OnnxTrainErrorCodeValue = (typeof OnnxTrainErrorCode)[keyof typeof OnnxTrainErrorCode];

/** Builds an onnx-train error; `options.context` names what was wrong (node, op, value, parameter). */
export function onnxTrainError(
  code: OnnxTrainErrorCodeValue,
  message: string,
  options: HearthErrorOptions = {},
): HearthError {
  return new HearthError(code, message, options);
}
