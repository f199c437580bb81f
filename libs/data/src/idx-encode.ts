import { numelOf } from '@hearth/core';
import type { Tensor } from '@hearth/core';
import { DataErrorCode, dataError } from './errors.js';
import { IDX_DTYPES } from './idx-format.js';
import type { IdxDType } from './idx-format.js';

/**
 * Encodes a tensor as uncompressed IDX bytes (big-endian, as the format requires): for writing dataset
 * subsets and test fixtures that {@link decodeIdx} reads back bit for bit.
 */
export function encodeIdx(t: Tensor<IdxDType>): Uint8Array {
  const info = IDX_DTYPES[t.dtype];
  if (info === undefined) {
    throw dataError(DataErrorCode.INVALID_ARGUMENT, `IDX cannot hold dtype ${String(t.dtype)}`, { context: { dtype: t.dtype } });
  }
  if (t.shape.length < 1 || t.shape.length > 255 || t.shape.some((d) => !Number.isInteger(d) || d < 0 || d > 0xffffffff)) {
    throw dataError(DataErrorCode.INVALID_ARGUMENT, `IDX cannot hold shape [${t.shape.join(', ')}]`, {
      context: { shape: t.shape },
    });
  }
  const count = numelOf(t.shape);
  if (t.data.length !== count) {
    throw dataError(DataErrorCode.INVALID_ARGUMENT, `tensor of shape [${t.shape.join(', ')}] has ${t.data.length} elements`, {
      context: { shape: t.shape, length: t.data.length },
    });
  }
  const headerLength = 4 + 4 * t.shape.length;
  const out = new Uint8Array(headerLength + count * info.width);
  const view = new DataView(out.buffer);
  out[2] = info.code;
  out[3] = t.shape.length;
  t.shape.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  writeElements({ view, t, offset: headerLength, out });
  return out;
}

interface ElementSink {
  readonly view: DataView;
  readonly t: Tensor<IdxDType>;
  readonly offset: number;
  readonly out: Uint8Array;
}

function writeElements(sink: ElementSink): void {
  const { view, t, offset, out } = sink;
  const data = t.data;
  switch (t.dtype) {
    case 'U8':
    case 'I8':
      out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), offset);
      return;
    case 'I16':
      for (let i = 0; i < data.length; i++) view.setInt16(offset + 2 * i, data[i] as number, false);
      return;
    case 'I32':
      for (let i = 0; i < data.length; i++) view.setInt32(offset + 4 * i, data[i] as number, false);
      return;
    case 'F32':
      for (let i = 0; i < data.length; i++) view.setFloat32(offset + 4 * i, data[i] as number, false);
      return;
    case 'F64':
      for (let i = 0; i < data.length; i++) view.setFloat64(offset + 8 * i, data[i] as number, false);
      return;
  }
}
