import { CoreErrorCode, HearthError } from './errors.js';

/** Element types, named as in the safetensors format. F16 and BF16 are stored as raw 16-bit words. */
export const DTYPES = ['F64', 'F32', 'F16', 'BF16', 'I64', 'I32', 'I16', 'I8', 'U8', 'BOOL'] as const;

/** One of {@link DTYPES}. */
export type DType = (typeof DTYPES)[number];

/** The typed array that holds the elements of each dtype. */
export interface DTypeArrayMap {
  F64: Float64Array;
  F32: Float32Array;
  F16: Uint16Array;
  BF16: Uint16Array;
  I64: BigInt64Array;
  I32: Int32Array;
  I16: Int16Array;
  I8: Int8Array;
  U8: Uint8Array;
  BOOL: Uint8Array;
}

/** Any typed array a tensor can hold. */
export type TensorData = DTypeArrayMap[DType];

type TypedArrayCtor = {
  new (length: number): TensorData;
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): TensorData;
  readonly BYTES_PER_ELEMENT: number;
};

const ARRAY_CTORS: Record<DType, TypedArrayCtor> = {
  F64: Float64Array,
  F32: Float32Array,
  F16: Uint16Array,
  BF16: Uint16Array,
  I64: BigInt64Array,
  I32: Int32Array,
  I16: Int16Array,
  I8: Int8Array,
  U8: Uint8Array,
  BOOL: Uint8Array,
};

/** A dense, row-major tensor. `data.length` always equals the product of `shape`. */
export interface Tensor<D extends DType = DType> {
  readonly dtype: D;
  readonly shape: readonly number[];
  readonly data: DTypeArrayMap[D];
}

/**
 * An ordered map from parameter name to tensor: models, updates and aggregates. Insertion order is the
 * order tensors are encoded and iterated in, so two maps built the same way encode to the same bytes.
 */
export type ParamMap = Map<string, Tensor>;

/** True when `value` is one of the supported dtype names. */
export function isDType(value: unknown): value is DType {
  return typeof value === 'string' && (DTYPES as readonly string[]).includes(value);
}

/** Bytes per element of `dtype`. */
export function bytesPerElement(dtype: DType): number {
  return ARRAY_CTORS[dtype].BYTES_PER_ELEMENT;
}

/** Number of elements of a tensor of the given shape (1 for a scalar). */
export function numelOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Allocates a zero-filled array for `count` elements of `dtype`. */
export function allocData<D extends DType>(dtype: D, count: number): DTypeArrayMap[D] {
  return new ARRAY_CTORS[dtype](count) as DTypeArrayMap[D];
}

/** A typed-array view of `dtype` over `byteLength` bytes of `buffer` at `byteOffset`, without copying. */
export function viewData<D extends DType>(
  dtype: D,
  view: { buffer: ArrayBufferLike; byteOffset: number; byteLength: number },
): DTypeArrayMap[D] {
  const width = bytesPerElement(dtype);
  return new ARRAY_CTORS[dtype](view.buffer, view.byteOffset, view.byteLength / width) as DTypeArrayMap[D];
}

function checkShape(shape: readonly number[]): void {
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) {
      throw new HearthError(CoreErrorCode.INVALID_TENSOR, `tensor shape [${shape.join(', ')}] has an invalid dimension ${d}`, {
        context: { shape },
      });
    }
  }
}

/** Builds a tensor, checking that the data matches the dtype and the shape. */
export function tensor<D extends DType>(dtype: D, shape: readonly number[], data: DTypeArrayMap[D]): Tensor<D> {
  checkShape(shape);
  if (!(data instanceof ARRAY_CTORS[dtype])) {
    throw new HearthError(CoreErrorCode.INVALID_TENSOR, `tensor data for dtype ${dtype} must be a ${ARRAY_CTORS[dtype].name}`, {
      context: { dtype },
    });
  }
  const expected = numelOf(shape);
  if (data.length !== expected) {
    throw new HearthError(
      CoreErrorCode.INVALID_TENSOR,
      `tensor of shape [${shape.join(', ')}] needs ${expected} elements, got ${data.length}`,
      { context: { shape, length: data.length } },
    );
  }
  return { dtype, shape: [...shape], data };
}

/** A zero-filled tensor of the given dtype and shape. */
export function zeros<D extends DType>(dtype: D, shape: readonly number[]): Tensor<D> {
  checkShape(shape);
  return { dtype, shape: [...shape], data: allocData(dtype, numelOf(shape)) };
}

/** A float32 tensor from plain numbers; handy in tests and examples. */
export function f32(shape: readonly number[], values: ArrayLike<number>): Tensor<'F32'> {
  return tensor('F32', shape, Float32Array.from(values));
}

/** A float64 tensor from plain numbers. */
export function f64(shape: readonly number[], values: ArrayLike<number>): Tensor<'F64'> {
  return tensor('F64', shape, Float64Array.from(values));
}

/** A deep copy of a tensor (its data is copied into a new buffer). */
export function cloneTensor<D extends DType>(t: Tensor<D>): Tensor<D> {
  return { dtype: t.dtype, shape: [...t.shape], data: t.data.slice() as DTypeArrayMap[D] };
}

/** A deep copy of a param map, in the same order. */
export function cloneParamMap(params: ParamMap): ParamMap {
  const out: ParamMap = new Map();
  for (const [name, t] of params) out.set(name, cloneTensor(t));
  return out;
}

/** Total bytes of tensor data in a param map. */
export function paramMapByteLength(params: ParamMap): number {
  let total = 0;
  for (const t of params.values()) total += t.data.byteLength;
  return total;
}

/** True when two tensors have the same dtype, shape and elements (bit for bit; NaN equals NaN). */
export function tensorsEqual(a: Tensor, b: Tensor): boolean {
  if (a.dtype !== b.dtype || a.shape.length !== b.shape.length) return false;
  if (a.shape.some((d, i) => d !== b.shape[i])) return false;
  const x = new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength);
  const y = new Uint8Array(b.data.buffer, b.data.byteOffset, b.data.byteLength);
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

/** True when two param maps hold the same names in the same order with equal tensors. */
export function paramMapsEqual(a: ParamMap, b: ParamMap): boolean {
  if (a.size !== b.size) return false;
  const bEntries = [...b.entries()];
  let i = 0;
  for (const [name, t] of a) {
    const other = bEntries[i++];
    if (!other || other[0] !== name || !tensorsEqual(t, other[1])) return false;
  }
  return true;
}

/** True for dtypes whose elements are JavaScript numbers that arithmetic can use directly. */
export function isFloatDType(dtype: DType): dtype is 'F32' | 'F64' {
  return dtype === 'F32' || dtype === 'F64';
}
