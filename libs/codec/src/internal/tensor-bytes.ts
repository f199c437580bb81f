import { allocData, bytesPerElement, isDType, numelOf, viewData } from '@hearth/core';
import type { DType, Tensor } from '@hearth/core';
import { codecError, CodecErrorCode } from '../errors.js';
import { bytesOf } from './byte-layout.js';
import { isWellFormedText } from './json-text.js';

/** The header key safetensors reserves for string metadata; no tensor may use it as a name. */
export const METADATA_KEY = '__metadata__';

const ARRAY_TAG: Record<DType, string> = {
  F64: 'Float64Array',
  F32: 'Float32Array',
  F16: 'Uint16Array',
  BF16: 'Uint16Array',
  I64: 'BigInt64Array',
  I32: 'Int32Array',
  I16: 'Int16Array',
  I8: 'Int8Array',
  U8: 'Uint8Array',
  BOOL: 'Uint8Array',
};

/** The typed array's class name; read from the built-in tag so arrays from other realms (workers, vm) match too. */
function arrayTag(data: unknown): string | undefined {
  return ArrayBuffer.isView(data) ? (data as unknown as { [Symbol.toStringTag]: string })[Symbol.toStringTag] : undefined;
}

/** Throws unless `name` can be a tensor name in a safetensors header. */
export function checkTensorName(name: string): void {
  if (name === METADATA_KEY) {
    throw codecError(CodecErrorCode.INVALID_INPUT, `tensor name ${METADATA_KEY} is reserved by the safetensors format`, {
      context: { tensor: name },
    });
  }
  if (!isWellFormedText(name)) {
    throw codecError(CodecErrorCode.INVALID_INPUT, `tensor name ${JSON.stringify(name)} has an unpaired UTF-16 surrogate`, {
      context: { tensor: name },
    });
  }
}

/**
 * The little-endian bytes of a tensor to encode, as a view over its own memory (no copy), after checking
 * that its dtype, typed array and shape agree: a bad tensor must fail here, not in the peer's decoder.
 */
export function tensorBytesForEncoding(name: string, t: Tensor): Uint8Array {
  checkTensorName(name);
  const fail = (reason: string): never => {
    throw codecError(CodecErrorCode.INVALID_INPUT, `tensor ${JSON.stringify(name)} cannot be encoded: ${reason}`, {
      context: { tensor: name },
    });
  };
  if (!isDType(t.dtype)) return fail(`unknown dtype ${JSON.stringify(t.dtype)}`);
  const tag = arrayTag(t.data);
  if (tag !== ARRAY_TAG[t.dtype]) return fail(`dtype ${t.dtype} needs a ${ARRAY_TAG[t.dtype]}, got ${tag ?? typeof t.data}`);
  if (!Array.isArray(t.shape) || t.shape.some((d) => !Number.isSafeInteger(d) || d < 0)) {
    return fail(`shape ${JSON.stringify(t.shape)} must list non-negative integers`);
  }
  if (numelOf(t.shape) !== t.data.length) {
    return fail(`shape [${t.shape.join(', ')}] needs ${numelOf(t.shape)} elements, data has ${t.data.length}`);
  }
  return bytesOf(t.data);
}

/** What {@link tensorFromBytes} needs: a tensor whose dtype, shape and byte length are already validated. */
export interface TensorBytes {
  readonly dtype: DType;
  readonly shape: readonly number[];
  /** The tensor's bytes inside the decoded input. */
  readonly bytes: Uint8Array;
}

/**
 * A tensor over `bytes`: a zero-copy view when the bytes sit at an address aligned for the element size
 * (typed arrays require it), otherwise a copy into a fresh, aligned array of exactly that size.
 */
export function tensorFromBytes(source: TensorBytes): Tensor {
  const { dtype, bytes } = source;
  const width = bytesPerElement(dtype);
  if (bytes.byteOffset % width === 0) {
    return { dtype, shape: [...source.shape], data: viewData(dtype, bytes) };
  }
  const data = allocData(dtype, bytes.byteLength / width);
  bytesOf(data).set(bytes);
  return { dtype, shape: [...source.shape], data };
}

/** Element count of `shape` when it fits in `maxElements`, or undefined when it does not (no overflow possible). */
export function boundedNumel(shape: readonly number[], maxElements: number): number | undefined {
  if (shape.includes(0)) return 0;
  let n = 1;
  for (const d of shape) {
    if (d > maxElements / n) return undefined;
    n *= d;
  }
  return n;
}
