import { DataKind, Dxo, Shareable, TENSOR_KINDS } from '@hearth/core';
import type { DataKindValue, HearthError, JsonObject, JsonValue, ParamMap } from '@hearth/core';
import { compileDecodeOptions, enforceLimit } from './decode-options.js';
import type { DecodeOptions } from './decode-options.js';
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

function readDxo(reader: ByteReader, options: { depth: number; budget: DecodeBudget }): Dxo {
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
  let params: ParamMap | undefined;
  if ((flags & DXO_RECORD.FLAG_HAS_PARAMS) !== 0) {
    const block = reader.take(reader.u64('DXO params length'), 'DXO params');
    params = readSafetensors(block, budget).params;
    reader.skipPadding('DXO params');
  }
  if (TENSOR_KINDS.has(record.kind) && params === undefined) {
    throw dxoError(`${record.kind} DXO record carries no tensors`, { depth, kind: record.kind });
  }
  if (record.kind === DataKind.COLLECTION && record.itemNames === undefined) {
    throw dxoError('COLLECTION DXO record has no items', { depth, kind: record.kind });
  }
  let items: Map<string, Dxo> | undefined;
  if (record.itemNames !== undefined) {
    items = new Map();
    for (const name of record.itemNames) items.set(name, readDxo(reader, { depth: depth + 1, budget }));
  }
  return new Dxo({ kind: record.kind, params, values: record.values, items, meta: record.meta });
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
  const reader = new ByteReader(bytes, 'Shareable envelope');
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
  const actual = crc32OfParts([bytes.subarray(ENVELOPE.CHECKED_FROM)]);
  if (actual !== checksum) {
    throw codecError(CodecErrorCode.CHECKSUM_MISMATCH, `Shareable envelope checksum mismatch (stored ${checksum}, computed ${actual})`, {
      context: { stored: checksum, computed: actual },
    });
  }
  enforceLimit({ what: 'Shareable headers bytes', value: headersLength, option: 'maxHeaderBytes', limits });
  const headers = parseJsonBytes(reader.take(headersLength, 'headers'), { what: 'Shareable headers', maxJsonDepth: limits.maxJsonDepth });
  if (!isJsonObject(headers)) throw codecError(CodecErrorCode.INVALID_HEADER, 'Shareable headers must be a JSON object');
  const budget: DecodeBudget = { limits, tensors: 0 };
  const dxo = (flags & ENVELOPE.FLAG_HAS_DXO) !== 0 ? readDxo(reader, { depth: 1, budget }) : undefined;
  if (reader.remaining > 0) {
    throw codecError(CodecErrorCode.TRAILING_BYTES, `Shareable envelope has ${reader.remaining} bytes after its last record`, {
      context: { offset: reader.position, trailing: reader.remaining },
    });
  }
  return new Shareable({ headers, dxo });
}
