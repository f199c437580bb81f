import { DataKind, Dxo, Shareable, TENSOR_KINDS } from '@hearth/core';
import type { DataKindValue, DxoInit, HearthError, JsonObject, JsonValue } from '@hearth/core';
import { compileDecodeOptions, enforceLimit } from './decode-options.js';
import type { CompiledDecodeOptions, DecodeOptions } from './decode-options.js';
import { codecError, CodecErrorCode } from './errors.js';
import { ByteReader } from './internal/byte-reader.js';
import { crc32OfParts } from './internal/checksum.js';
import { DXO_RECORD, ENVELOPE } from './internal/envelope-layout.js';
import { isJsonObject, parseJsonBytes } from './internal/json-text.js';
import { readSafetensors } from './safetensors-decode.js';
import type { DecodeBudget } from './safetensors-decode.js';

const KINDS: ReadonlySet<string> = new Set(Object.values(DataKind));
const RECORD_FIELDS: ReadonlySet<string> = new Set(['kind', 'meta', 'values', 'items']);

function dxoError(message: string, context: Readonly<Record<string, unknown>> = {}): HearthError {
  return codecError(CodecErrorCode.INVALID_DXO, message, { context });
}

interface DxoRecord {
  readonly kind: DataKindValue;
  readonly meta: JsonObject;
  readonly values: JsonObject | undefined;
  readonly itemNames: readonly string[] | undefined;
}

function readRecord(json: JsonValue, depth: number): DxoRecord {
  if (!isJsonObject(json)) throw dxoError(`DXO record at depth ${depth} must be a JSON object`, { depth });
  const unknown = Object.keys(json).find((key) => !RECORD_FIELDS.has(key));
  if (unknown !== undefined) throw dxoError(`DXO record at depth ${depth} has an unknown field ${JSON.stringify(unknown)}`, { depth });
  const { kind, meta, values, items } = json;
  if (typeof kind !== 'string' || !KINDS.has(kind)) throw dxoError(`DXO record has unknown kind ${JSON.stringify(kind)}`, { depth });
  if (meta === undefined || !isJsonObject(meta)) throw dxoError(`${kind} DXO record needs a meta object`, { depth, kind });
  if (values !== undefined && !isJsonObject(values)) throw dxoError(`${kind} DXO record values must be a JSON object`, { depth, kind });
  if (items !== undefined) {
    if (!Array.isArray(items) || !items.every((name) => typeof name === 'string')) {
      throw dxoError(`${kind} DXO record items must be an array of names`, { depth, kind });
    }
    if (new Set(items).size !== items.length) throw dxoError(`${kind} DXO record repeats an item name`, { depth, kind });
  }
  return { kind: kind as DataKindValue, meta, values, itemNames: items as readonly string[] | undefined };
}

/**
 * Reads the `length`-byte safetensors block at the reader's position, leaving the reader after it: into
 * memory (views over the input) for {@link decodeShareable}, as a file-backed source for a spooled file.
 */
export type ParamsBlockReader = (reader: ByteReader, length: number, budget: DecodeBudget) => Pick<DxoInit, 'params' | 'paramSource'>;

const paramsInMemory: ParamsBlockReader = (reader, length, budget) => ({ params: readSafetensors(reader.take(length, 'DXO params'), budget).params });

interface ReadDxoOptions {
  readonly depth: number;
  readonly budget: DecodeBudget;
  readonly readParams: ParamsBlockReader;
}

function readDxo(reader: ByteReader, options: ReadDxoOptions): Dxo {
  const { depth, budget } = options;
  const { limits } = budget;
  enforceLimit({ what: 'DXO nesting depth', value: depth, option: 'maxDepth', limits });
  const length = reader.u32('DXO record length');
  enforceLimit({ what: 'DXO record bytes', value: length, option: 'maxHeaderBytes', limits });
  const flags = reader.u32('DXO record flags');
  if ((flags & ~DXO_RECORD.FLAG_HAS_PARAMS) !== 0) {
    throw codecError(CodecErrorCode.BAD_FLAGS, `DXO record at depth ${depth} sets unknown flag bits 0x${flags.toString(16)}`, {
      context: { depth, flags },
    });
  }
  const json = parseJsonBytes(reader.take(length, 'DXO record'), { what: 'DXO record', maxJsonDepth: limits.maxJsonDepth });
  const record = readRecord(json, depth);
  let tensors: Pick<DxoInit, 'params' | 'paramSource'> = {};
  if ((flags & DXO_RECORD.FLAG_HAS_PARAMS) !== 0) {
    tensors = options.readParams(reader, reader.u64('DXO params length'), budget);
    reader.skipPadding('DXO params');
  }
  if (TENSOR_KINDS.has(record.kind) && tensors.params === undefined && tensors.paramSource === undefined) {
    throw dxoError(`${record.kind} DXO record carries no tensors`, { depth, kind: record.kind });
  }
  if (record.kind === DataKind.COLLECTION && record.itemNames === undefined) {
    throw dxoError('COLLECTION DXO record has no items', { depth, kind: record.kind });
  }
  let items: Map<string, Dxo> | undefined;
  if (record.itemNames !== undefined) {
    items = new Map();
    for (const name of record.itemNames) items.set(name, readDxo(reader, { ...options, depth: depth + 1 }));
  }
  return new Dxo({ kind: record.kind, ...tensors, values: record.values, items, meta: record.meta });
}

/** The envelope's prelude fields a reader needs after checking them. */
interface Prelude {
  readonly checksum: number;
  readonly flags: number;
  readonly headersLength: number;
}

/** Reads and checks the prelude: magic, version, flags, and a body length equal to the bytes that follow. */
function readPrelude(reader: ByteReader): Prelude {
  const magic = reader.take(ENVELOPE.MAGIC.length, 'magic');
  if (!magic.every((b, i) => b === ENVELOPE.MAGIC[i])) {
    throw codecError(CodecErrorCode.BAD_MAGIC, 'bytes do not start with the Shareable envelope magic "HRTH"', {
      context: { magic: [...magic] },
    });
  }
  const checksum = reader.u32('checksum');
  const version = reader.u8('version');
  if (version !== ENVELOPE.VERSION) {
    throw codecError(
      CodecErrorCode.UNSUPPORTED_VERSION,
      `Shareable envelope version ${version} is not supported (this build reads ${ENVELOPE.VERSION})`,
      { context: { version } },
    );
  }
  const flags = reader.u8('flags');
  const reserved = reader.u16('reserved');
  if ((flags & ~ENVELOPE.FLAG_HAS_DXO) !== 0 || reserved !== 0) {
    const bits = `flags 0x${flags.toString(16)}, reserved 0x${reserved.toString(16)}`;
    throw codecError(CodecErrorCode.BAD_FLAGS, `Shareable envelope sets unknown flag bits (${bits})`, { context: { flags, reserved } });
  }
  const headersLength = reader.u32('headers length');
  const bodyLength = reader.u64('body length');
  if (bodyLength > reader.remaining) {
    const message = `Shareable envelope declares ${bodyLength} body bytes, only ${reader.remaining} are present`;
    throw codecError(CodecErrorCode.TRUNCATED, message, { context: { declared: bodyLength, available: reader.remaining } });
  }
  if (bodyLength < reader.remaining) {
    throw codecError(CodecErrorCode.TRAILING_BYTES, `Shareable envelope declares ${bodyLength} body bytes, ${reader.remaining} follow`, {
      context: { declared: bodyLength, available: reader.remaining },
    });
  }
  return { checksum, flags, headersLength };
}

/** Throws CHECKSUM_MISMATCH unless the checksum stored in the prelude is the one computed over the input. */
export function checkEnvelopeChecksum(stored: number, actual: number): void {
  if (actual !== stored) {
    throw codecError(CodecErrorCode.CHECKSUM_MISMATCH, `Shareable envelope checksum mismatch (stored ${stored}, computed ${actual})`, {
      context: { stored, computed: actual },
    });
  }
}

/** How {@link readEnvelope} checks the CRC and reads tensor blocks. */
export interface EnvelopeReading {
  readonly limits: CompiledDecodeOptions;
  /** CRC-32 of the input from {@link ENVELOPE.CHECKED_FROM} to its end. */
  readonly checksum: () => number;
  readonly readParams: ParamsBlockReader;
}

/**
 * Reads a whole envelope from `reader` (at its start): prelude, CRC, headers, DXO records. Shared by
 * {@link decodeShareable} (memory) and the spooled-file reader.
 */
export function readEnvelope(reader: ByteReader, reading: EnvelopeReading): Shareable {
  const { limits } = reading;
  const { checksum, flags, headersLength } = readPrelude(reader);
  checkEnvelopeChecksum(checksum, reading.checksum());
  enforceLimit({ what: 'Shareable headers bytes', value: headersLength, option: 'maxHeaderBytes', limits });
  const headers = parseJsonBytes(reader.take(headersLength, 'headers'), { what: 'Shareable headers', maxJsonDepth: limits.maxJsonDepth });
  if (!isJsonObject(headers)) throw codecError(CodecErrorCode.INVALID_HEADER, 'Shareable headers must be a JSON object');
  const budget: DecodeBudget = { limits, tensors: 0 };
  const dxo = (flags & ENVELOPE.FLAG_HAS_DXO) !== 0 ? readDxo(reader, { depth: 1, budget, readParams: reading.readParams }) : undefined;
  if (reader.remaining > 0) {
    throw codecError(CodecErrorCode.TRAILING_BYTES, `Shareable envelope has ${reader.remaining} bytes after its last record`, {
      context: { offset: reader.position, trailing: reader.remaining },
    });
  }
  return new Shareable({ headers, dxo });
}

/**
 * Decodes an envelope made by `encodeShareable` (or the concatenation of `encodeShareableParts`).
 * Untrusted input is checked before anything is allocated from it: magic, version, flags, declared
 * lengths against the bytes present and the {@link DecodeOptions} limits, then the CRC-32, then every
 * header and tensor. Any problem raises a HearthError with a {@link CodecErrorCode} and a message that
 * names it. Tensors are zero-copy views over `bytes` wherever they are aligned (pass an 8-byte aligned
 * buffer to get views for every tensor), so the caller must not reuse `bytes` while the Shareable lives.
 */
export function decodeShareable(bytes: Uint8Array, options: DecodeOptions = {}): Shareable {
  const limits = compileDecodeOptions(options);
  enforceLimit({ what: 'Shareable envelope bytes', value: bytes.byteLength, option: 'maxBytes', limits });
  return readEnvelope(new ByteReader(bytes, 'Shareable envelope'), {
    limits,
    checksum: () => crc32OfParts([bytes.subarray(ENVELOPE.CHECKED_FROM)]),
    readParams: paramsInMemory,
  });
}
