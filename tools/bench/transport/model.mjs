// The payload of the transport benchmark: a ParamMap of a few large float32 tensors, encoded as safetensors
// parts (zero-copy views), and the helpers both ends use to describe and rebuild it.
import { tensor } from '@hearth/core';
import { encodeParamMapParts } from '@hearth/codec';

/** Elements per row of every benchmark tensor (shape [rows, ROW]). */
const ROW = 1024;

/** The value element `i` of tensor `t` holds; cheap to compute, different per tensor, exact in float32. */
export function patternValue(t, i) {
  return ((i % 4093) - 2046) / 1024 + t;
}

/**
 * The global model: `tensors` float32 tensors of `tensorBytes` bytes each, written element by element so
 * every page is really in memory (RSS counts it). Returns the ParamMap.
 */
export function makeModel({ tensors, tensorBytes }) {
  const elements = tensorBytes / 4;
  if (!Number.isInteger(elements / ROW)) throw new Error(`tensorBytes ${tensorBytes} must be a multiple of ${ROW * 4}`);
  const model = new Map();
  for (let t = 0; t < tensors; t += 1) {
    const data = new Float32Array(elements);
    for (let i = 0; i < elements; i += 1) data[i] = patternValue(t, i);
    model.set(`layer${t}.weight`, tensor('F32', [elements / ROW, ROW], data));
  }
  return model;
}

/** The safetensors parts of `model` and the stream meta announcing their lengths (so a receiver can keep them apart). */
export function encodeModel(model) {
  const parts = encodeParamMapParts(model);
  const meta = new TextEncoder().encode(JSON.stringify({ partLengths: parts.map((part) => part.byteLength) }));
  return { parts, meta, totalBytes: parts.reduce((sum, part) => sum + part.byteLength, 0) };
}

/** Reads the part lengths a sender announced in the stream meta; throws when they are missing or malformed. */
export function partLengthsOf(meta) {
  const { partLengths } = JSON.parse(new TextDecoder().decode(meta));
  if (!Array.isArray(partLengths) || !partLengths.every((n) => Number.isSafeInteger(n) && n >= 0)) {
    throw new Error('stream meta has no valid partLengths');
  }
  return partLengths;
}

/**
 * Rebuilds a ParamMap from received safetensors parts laid out like the sender's (the header, then one
 * buffer per tensor), without copying: each tensor is a typed-array view over its own received buffer.
 */
export function modelFromParts(parts) {
  const [head, ...data] = parts;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (8 + headerLength !== head.byteLength) throw new Error(`header part is ${head.byteLength} bytes, the header says ${8 + headerLength}`);
  const header = JSON.parse(new TextDecoder().decode(head.subarray(8)));
  const entries = Object.entries(header)
    .filter(([name]) => name !== '__metadata__')
    .sort(([, a], [, b]) => a.data_offsets[0] - b.data_offsets[0]);
  if (entries.length !== data.length) throw new Error(`header lists ${entries.length} tensors, ${data.length} buffers arrived`);
  const model = new Map();
  entries.forEach(([name, info], index) => {
    const bytes = data[index];
    const [begin, end] = info.data_offsets;
    if (info.dtype !== 'F32' || end - begin !== bytes.byteLength) throw new Error(`tensor ${name} does not match its ${bytes.byteLength}-byte buffer`);
    model.set(name, tensor('F32', info.shape, new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4)));
  });
  return model;
}
