import type { DType } from '@hearth/core';
import { OnnxTrainErrorCode, onnxTrainError } from '../errors.js';

const ONNX_TO_DTYPE: ReadonlyMap<number, DType> = new Map<number, DType>([
  [1, 'F32'],
  [2, 'U8'],
  [3, 'I8'],
  [5, 'I16'],
  [6, 'I32'],
  [7, 'I64'],
  [9, 'BOOL'],
  [10, 'F16'],
  [11, 'F64'],
  [16, 'BF16'],
]);

const DTYPE_TO_ONNX: ReadonlyMap<DType, number> = new Map([...ONNX_TO_DTYPE].map(([k, v]) => [v, k]));

/** The ONNX `TensorProto.DataType` number of a Hearth dtype. */
export function onnxElemType(dtype: DType): number {
  const elemType = DTYPE_TO_ONNX.get(dtype);
  if (elemType === undefined) {
    throw onnxTrainError(OnnxTrainErrorCode.UNSUPPORTED_DTYPE, `dtype ${dtype} has no ONNX element type`, { context: { dtype } });
  }
  return elemType;
}

/** The Hearth dtype of an ONNX element type; `where` names the value for the error message. */
export function dtypeOfElemType(elemType: number, where: string): DType {
  const dtype = ONNX_TO_DTYPE.get(elemType);
  if (dtype === undefined) {
    throw onnxTrainError(OnnxTrainErrorCode.UNSUPPORTED_DTYPE, `${where} has ONNX element type ${elemType}, which Hearth does not support`, {
      context: { elemType, where },
    });
  }
  return dtype;
}

/** True for the floating-point dtypes gradients flow through. */
export function isDifferentiableDType(dtype: DType): boolean {
  return dtype === 'F32' || dtype === 'F64' || dtype === 'F16' || dtype === 'BF16';
}
