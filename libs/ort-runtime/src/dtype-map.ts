import type { DType } from '@hearth/core';

/** ORT tensor element types (the `type` strings of onnxruntime-node tensors and session metadata). */
export type OrtTensorType =
  | 'float32'
  | 'float64'
  | 'float16'
  | 'int64'
  | 'int32'
  | 'int16'
  | 'int8'
  | 'uint8'
  | 'bool'
  | 'uint16'
  | 'uint32'
  | 'uint64'
  | 'string'
  | 'int4'
  | 'uint4';

const CORE_TO_ORT: Readonly<Partial<Record<DType, OrtTensorType>>> = {
  F32: 'float32',
  F64: 'float64',
  F16: 'float16',
  I64: 'int64',
  I32: 'int32',
  I16: 'int16',
  I8: 'int8',
  U8: 'uint8',
  BOOL: 'bool',
};

const ORT_TO_CORE: ReadonlyMap<string, DType> = new Map(
  Object.entries(CORE_TO_ORT).map(([dtype, type]) => [type, dtype as DType]),
);

/**
 * The ORT element type for a Hearth dtype, or undefined when ORT's JavaScript API has none (BF16). F16 and
 * BOOL keep their raw storage (Uint16Array, Uint8Array), which is what ORT's Node binding expects.
 */
export function ortTypeOf(dtype: DType): OrtTensorType | undefined {
  return CORE_TO_ORT[dtype];
}

/** The Hearth dtype for an ORT element type, or undefined for types Hearth tensors cannot hold (strings, uint32, int4, ...). */
export function coreDTypeOf(type: string): DType | undefined {
  return ORT_TO_CORE.get(type);
}
