import { allocData, tensor } from '@hearth/core';
import type { Tensor } from '@hearth/core';
import { DataErrorCode, dataError } from './errors.js';
import { IDX_DTYPES, idxDTypeOfCode } from './idx-format.js';
import type { IdxDType } from './idx-format.js';

/** Options for {@link decodeIdx}. */
export interface DecodeIdxOptions {
  /** What the bytes came from, named in error messages and contexts. @default '<bytes>' */
  readonly source?: string;
}

/**
 * Decodes uncompressed IDX bytes into a tensor whose shape is the file's dimensions. Checks the magic,
 * the type code and that the dimensions account for exactly the bytes given, so a truncated or padded
 * file is an error, not silently wrong data. One-byte types are views over `bytes`; wider types are
 * converted from big-endian into a new array.
 */
export function decodeIdx(bytes: Uint8Array, options: DecodeIdxOptions = {}): Tensor<IdxDType> {
  const source = options.source ?? '<bytes>';
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) {
    throw dataError(DataErrorCode.IDX_BAD_MAGIC, `${source}: not an IDX file (magic must start with two zero bytes)`, {
      context: { source, length: bytes.length },
    });
  }
  const code = bytes[2] as number;
  const dtype = idxDTypeOfCode(code);
  if (dtype === undefined) {
    throw dataError(DataErrorCode.IDX_BAD_DTYPE, `${source}: unknown IDX element type code 0x${code.toString(16)}`, {
      context: { source, code },
    });
  }
  const rank = bytes[3] as number;
  const headerLength = 4 + 4 * rank;
  if (rank === 0 || bytes.length < headerLength) {
    throw dataError(
      DataErrorCode.IDX_SIZE_MISMATCH,
      rank === 0
        ? `${source}: IDX header declares no dimensions`
        : `${source}: truncated IDX header (${rank} dimensions need ${headerLength} bytes, file has ${bytes.length})`,
      { context: { source, rank, length: bytes.length } },
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  let count = 1;
  for (let i = 0; i < rank; i++) {
    const dim = view.getUint32(4 + 4 * i, false);
    dims.push(dim);
    count *= dim;
  }
  const width = IDX_DTYPES[dtype].width;
  const expected = headerLength + count * width;
  if (!Number.isSafeInteger(expected) || expected !== bytes.length) {
    const problem = expected > bytes.length ? 'truncated' : 'has trailing bytes';
    throw dataError(
      DataErrorCode.IDX_SIZE_MISMATCH,
      `${source}: IDX file ${problem}: dimensions [${dims.join(', ')}] of ${dtype} need ${expected} bytes, file has ${bytes.length}`,
      { context: { source, dims, dtype, expected, length: bytes.length } },
    );
  }
  return tensor(dtype, dims, readElements({ bytes, view, dtype, offset: headerLength, count }));
}

interface ElementSource {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  readonly dtype: IdxDType;
  readonly offset: number;
  readonly count: number;
}

function readElements(src: ElementSource): Tensor<IdxDType>['data'] {
  const { bytes, view, dtype, offset, count } = src;
  switch (dtype) {
    case 'U8':
      return new Uint8Array(bytes.buffer, bytes.byteOffset + offset, count);
    case 'I8':
      return new Int8Array(bytes.buffer, bytes.byteOffset + offset, count);
    case 'I16': {
      const out = allocData('I16', count);
      for (let i = 0; i < count; i++) out[i] = view.getInt16(offset + 2 * i, false);
      return out;
    }
    case 'I32': {
      const out = allocData('I32', count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(offset + 4 * i, false);
      return out;
    }
    case 'F32': {
      const out = allocData('F32', count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(offset + 4 * i, false);
      return out;
    }
    case 'F64': {
      const out = allocData('F64', count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(offset + 8 * i, false);
      return out;
    }
  }
}
