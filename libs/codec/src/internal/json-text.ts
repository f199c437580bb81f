import { isHearthError } from '@hearth/core';
import type { JsonValue } from '@hearth/core';
import { codecError, CodecErrorCode } from '../errors.js';
import { alignTo8 } from './byte-layout.js';

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const ENCODER = new TextEncoder();
const SPACE = 0x20;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Options for {@link parseJsonBytes}. */
export interface ParseJsonOptions {
  /** What the bytes are, for error messages (`safetensors header`, `Shareable headers`). */
  readonly what: string;
  /** Deepest nesting of arrays and objects accepted. */
  readonly maxJsonDepth: number;
}

/** Decodes strict UTF-8 (no replacement characters, a BOM is kept and so rejected by JSON). */
export function decodeUtf8(bytes: Uint8Array, what: string): string {
  try {
    return UTF8.decode(bytes);
  } catch (err) {
    throw codecError(CodecErrorCode.INVALID_JSON, `${what} is not valid UTF-8`, { context: { what }, cause: err });
  }
}

/** Parses untrusted JSON bytes, rejecting bad UTF-8, bad syntax and nesting deeper than allowed. */
export function parseJsonBytes(bytes: Uint8Array, options: ParseJsonOptions): JsonValue {
  const text = decodeUtf8(bytes, options.what);
  let value: JsonValue;
  try {
    value = JSON.parse(text) as JsonValue;
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw codecError(CodecErrorCode.INVALID_JSON, `${options.what} is not valid JSON: ${reason}`, {
      context: { what: options.what },
      cause: err,
    });
  }
  checkParsedJson(value, options);
  return value;
}

/** Walks the parsed value without recursion: nesting within the limit, and no number JSON.parse overflowed to Infinity. */
function checkParsedJson(root: JsonValue, options: ParseJsonOptions): void {
  const stack: Array<{ value: JsonValue; depth: number }> = [{ value: root, depth: 0 }];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    if (typeof top.value === 'number' && !Number.isFinite(top.value)) {
      throw codecError(CodecErrorCode.INVALID_JSON, `${options.what} holds a number too large for a double`, {
        context: { what: options.what },
      });
    }
    if (typeof top.value !== 'object' || top.value === null) continue;
    const depth = top.depth + 1;
    if (depth > options.maxJsonDepth) {
      throw codecError(CodecErrorCode.LIMIT_EXCEEDED, `${options.what} nests JSON deeper than maxJsonDepth ${options.maxJsonDepth}`, {
        context: { what: options.what, maxJsonDepth: options.maxJsonDepth },
      });
    }
    const children = Array.isArray(top.value) ? (top.value as readonly JsonValue[]) : Object.values(top.value);
    for (const value of children) stack.push({ value, depth });
  }
}

/**
 * The keys of the top-level object of `text`, in the order they appear. `text` must already have parsed
 * as a JSON object. JavaScript objects list integer-like keys first, so this is the only way to keep the
 * order a file was written in.
 */
export function topLevelKeysInOrder(text: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  let keyNext = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      let end = i + 1;
      while (text.charCodeAt(end) !== QUOTE) end += text.charCodeAt(end) === BACKSLASH ? 2 : 1;
      if (depth === 1 && keyNext) keys.push(JSON.parse(text.slice(i, end + 1)) as string);
      keyNext = false;
      i = end;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      depth++;
      if (depth === 1) keyNext = c === OPEN_BRACE;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
    } else if (c === COMMA && depth === 1) {
      keyNext = true;
    }
  }
  return keys;
}

/** True when `value` is a JSON object (not null, not an array). */
export function isJsonObject(value: JsonValue): value is { readonly [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True when `text` has no unpaired UTF-16 surrogate, so it survives UTF-8 and other JSON parsers unchanged. */
export function isWellFormedText(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}

function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === null || Object.getPrototypeOf(proto) === null;
}

/**
 * JSON text for a value handed to an encoder, refusing what JSON cannot carry faithfully (non-finite
 * numbers, undefined, functions, bigints, class instances, cycles) instead of silently changing it.
 */
export function stringifyJson(value: unknown, what: string): string {
  const reject = (reason: string): never => {
    throw codecError(CodecErrorCode.INVALID_INPUT, `${what} is not JSON: ${reason}`, { context: { what } });
  };
  let text: string | undefined;
  try {
    text = JSON.stringify(value, (key: string, v: unknown): unknown => {
      const at = key === '' ? 'the top level' : `key ${JSON.stringify(key)}`;
      if (typeof v === 'number' && !Number.isFinite(v)) reject(`${String(v)} at ${at}`);
      if (v === undefined || typeof v === 'function' || typeof v === 'symbol' || typeof v === 'bigint') {
        reject(`a ${typeof v} at ${at}`);
      }
      if (typeof v === 'object' && v !== null && !Array.isArray(v) && !isPlainObject(v)) reject(`a class instance at ${at}`);
      return v;
    });
  } catch (err) {
    if (isHearthError(err)) throw err;
    throw codecError(CodecErrorCode.INVALID_INPUT, `${what} is not JSON: ${err instanceof Error ? err.message : String(err)}`, {
      context: { what },
      cause: err,
    });
  }
  return text ?? reject('nothing to encode');
}

/** UTF-8 bytes of `text`, padded with spaces (which JSON ignores) to a multiple of 8 bytes. */
export function paddedJsonBytes(text: string): Uint8Array {
  const raw = ENCODER.encode(text);
  const padded = new Uint8Array(alignTo8(raw.length));
  padded.set(raw);
  padded.fill(SPACE, raw.length);
  return padded;
}
