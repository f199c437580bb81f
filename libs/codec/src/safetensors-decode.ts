import { bytesPerElement, isDType } from '@hearth/core';
import type { DType, HearthError, JsonValue, ParamMap } from '@hearth/core';
import { compileDecodeOptions, enforceLimit } from './decode-options.js';
import type { CompiledDecodeOptions, DecodeOptions } from './decode-options.js';
import { codecError, CodecErrorCode } from './errors.js';
import type { CodecErrorCodeValue } from './errors.js';
import { ByteReader } from './internal/byte-reader.js';
import { decodeUtf8, isJsonObject, topLevelKeysInOrder } from './internal/json-text.js';
import { boundedNumel, METADATA_KEY, tensorFromBytes } from './internal/tensor-bytes.js';

/** What a safetensors buffer or file holds. */
export interface SafetensorsContents {
  /** The tensors, in data-buffer order (which is insertion order for everything Hearth writes). */
  readonly params: ParamMap;
  /** The `__metadata__` strings; empty when the header has none. */
  readonly metadata: Record<string, string>;
}

/** Running totals shared by every safetensors block inside one decode call. */
export interface DecodeBudget {
  readonly limits: CompiledDecodeOptions;
  /** Tensors decoded so far in this call, checked against `limits.maxTensors`. */
  tensors: number;
}

/** One tensor of a safetensors header. */
export interface TensorEntry {
  readonly name: string;
  readonly order: number;
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly begin: number;
  readonly end: number;
}

const OPEN_BRACE = 0x7b;
const TENSOR_FIELDS = ['dtype', 'shape', 'data_offsets'];

function headerError(code: CodecErrorCodeValue, message: string, tensor?: string): HearthError {
  return codecError(code, message, { context: tensor === undefined ? {} : { tensor } });
}

function readMetadata(value: JsonValue): Record<string, string> {
  if (!isJsonObject(value)) throw headerError(CodecErrorCode.INVALID_HEADER, `safetensors ${METADATA_KEY} must be an object of strings`);
  const metadata: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== 'string') {
      throw headerError(CodecErrorCode.INVALID_HEADER, `safetensors ${METADATA_KEY} value ${JSON.stringify(key)} must be a string`);
    }
    metadata[key] = v;
  }
  return metadata;
}

function isCount(value: JsonValue): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function readTensorEntry(name: string, order: number, info: JsonValue): TensorEntry {
  const label = `tensor ${JSON.stringify(name)}`;
  if (!isJsonObject(info)) throw headerError(CodecErrorCode.INVALID_HEADER, `safetensors ${label} must be an object`, name);
  const extra = Object.keys(info).find((key) => !TENSOR_FIELDS.includes(key));
  if (extra !== undefined) {
    throw headerError(CodecErrorCode.INVALID_HEADER, `safetensors ${label} has an unknown field ${JSON.stringify(extra)}`, name);
  }
  const { dtype, shape, data_offsets: offsets } = info;
  if (typeof dtype !== 'string') throw headerError(CodecErrorCode.INVALID_HEADER, `safetensors ${label} needs a string dtype`, name);
  if (!isDType(dtype)) {
    throw headerError(CodecErrorCode.UNKNOWN_DTYPE, `safetensors ${label} has unknown dtype ${JSON.stringify(dtype)}`, name);
  }
  if (!Array.isArray(shape) || !shape.every(isCount)) {
    throw headerError(
      CodecErrorCode.SHAPE_MISMATCH,
      `safetensors ${label} has shape ${JSON.stringify(shape)}; dimensions must be non-negative integers`,
      name,
    );
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount)) {
    throw headerError(
      CodecErrorCode.INVALID_OFFSETS,
      `safetensors ${label} needs data_offsets [begin, end] of non-negative integers`,
      name,
    );
  }
  const [begin, end] = offsets as [number, number];
  if (end < begin) {
    throw headerError(CodecErrorCode.INVALID_OFFSETS, `safetensors ${label} ends (${end}) before it begins (${begin})`, name);
  }
  return { name, order, dtype, shape: shape as number[], begin, end };
}

function checkLayout(entries: TensorEntry[], dataLength: number): void {
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end || a.order - b.order);
  let expected = 0;
  for (const e of entries) {
    const label = `tensor ${JSON.stringify(e.name)}`;
    if (e.begin !== expected) {
      const problem = e.begin > expected ? `leaves a hole of ${e.begin - expected} bytes before it` : `overlaps the tensor before it`;
      throw headerError(CodecErrorCode.INVALID_OFFSETS, `safetensors ${label} at [${e.begin}, ${e.end}) ${problem}`, e.name);
    }
    if (e.end > dataLength) {
      throw headerError(
        CodecErrorCode.INVALID_OFFSETS,
        `safetensors ${label} at [${e.begin}, ${e.end}) runs past the end of the ${dataLength}-byte data buffer`,
        e.name,
      );
    }
    const width = bytesPerElement(e.dtype);
    const numel = boundedNumel(e.shape, dataLength / width);
    if (numel === undefined || numel * width !== e.end - e.begin) {
      throw headerError(
        CodecErrorCode.SHAPE_MISMATCH,
        `safetensors ${label} of dtype ${e.dtype} and shape [${e.shape.join(', ')}] does not fit its ${e.end - e.begin} bytes`,
        e.name,
      );
    }
    expected = e.end;
  }
  if (expected !== dataLength) {
    throw headerError(CodecErrorCode.INVALID_OFFSETS, `safetensors data buffer has ${dataLength - expected} bytes after the last tensor`);
  }
}

/** Where a safetensors block's tensors are, as its header declares them (checked against the block's size). */
export interface SafetensorsLayout {
  /** The tensors in data order, with offsets relative to `dataStart`. */
  readonly entries: readonly TensorEntry[];
  readonly metadata: Record<string, string>;
  /** Reader position of the first data byte. */
  readonly dataStart: number;
  readonly dataLength: number;
}

/**
 * Reads the header of the `blockLength`-byte safetensors block at the reader's position and checks it:
 * header JSON, dtypes, shapes and offsets that tile the data exactly, and the shared budget's limits. Leaves
 * the reader at the first data byte; the data itself is not read.
 */
export function readSafetensorsLayout(reader: ByteReader, blockLength: number, budget: DecodeBudget): SafetensorsLayout {
  const { limits } = budget;
  enforceLimit({ what: 'safetensors buffer bytes', value: blockLength, option: 'maxBytes', limits });
  const start = reader.position;
  const headerLength = reader.u64('header length');
  enforceLimit({ what: 'safetensors header bytes', value: headerLength, option: 'maxHeaderBytes', limits });
  if (headerLength > blockLength - 8) {
    throw codecError(CodecErrorCode.TRUNCATED, `safetensors header of ${headerLength} bytes does not fit the ${blockLength}-byte block`, {
      context: { headerLength, blockLength },
    });
  }
  const headerBytes = reader.take(headerLength, 'header');
  if (headerBytes[0] !== OPEN_BRACE) throw headerError(CodecErrorCode.INVALID_HEADER, `safetensors header must begin with '{'`);
  const text = decodeUtf8(headerBytes, 'safetensors header');
  let header: JsonValue;
  try {
    header = JSON.parse(text) as JsonValue;
  } catch (err) {
    throw codecError(CodecErrorCode.INVALID_JSON, `safetensors header is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  if (!isJsonObject(header)) throw headerError(CodecErrorCode.INVALID_HEADER, 'safetensors header must be a JSON object');
  const keys = topLevelKeysInOrder(text);
  const seen = new Set<string>();
  for (const key of keys) {
    if (seen.has(key)) throw headerError(CodecErrorCode.INVALID_JSON, `safetensors header repeats the key ${JSON.stringify(key)}`, key);
    seen.add(key);
  }
  const tensorCount = keys.length - (METADATA_KEY in header ? 1 : 0);
  budget.tensors += tensorCount;
  enforceLimit({ what: 'tensor count', value: budget.tensors, option: 'maxTensors', limits });
  let metadata: Record<string, string> = {};
  const entries: TensorEntry[] = [];
  keys.forEach((key, order) => {
    const value = header[key] as JsonValue;
    if (key === METADATA_KEY) metadata = readMetadata(value);
    else entries.push(readTensorEntry(key, order, value));
  });
  const dataLength = blockLength - (reader.position - start);
  checkLayout(entries, dataLength);
  return { entries, metadata, dataStart: reader.position, dataLength };
}

/**
 * Decodes one safetensors block inside a larger decode, counting its tensors against the shared budget.
 * Internal to the codec: the public entry is {@link decodeParamMap}.
 */
export function readSafetensors(bytes: Uint8Array, budget: DecodeBudget): SafetensorsContents {
  const reader = new ByteReader(bytes, 'safetensors buffer');
  const { entries, metadata, dataLength } = readSafetensorsLayout(reader, bytes.byteLength, budget);
  const data = reader.take(dataLength, 'data');
  const params: ParamMap = new Map();
  for (const e of entries) {
    params.set(e.name, tensorFromBytes({ dtype: e.dtype, shape: e.shape, bytes: data.subarray(e.begin, e.end) }));
  }
  return { params, metadata };
}

/**
 * Decodes safetensors bytes (ours or any other writer's, Python's `safetensors.numpy.save` included).
 * Tensors are zero-copy views over `bytes` wherever their offset is aligned for their element size, so
 * writing to a decoded tensor writes to `bytes`; misaligned tensors are copied. Malformed, truncated or
 * oversized input raises a HearthError with a {@link CodecErrorCode} naming the problem and the tensor.
 */
export function decodeParamMap(bytes: Uint8Array, options: DecodeOptions = {}): SafetensorsContents {
  return readSafetensors(bytes, { limits: compileDecodeOptions(options), tensors: 0 });
}
