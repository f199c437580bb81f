import { HearthError } from '@hearth/core';
import type { HearthErrorOptions } from '@hearth/core';

/**
 * Stable error codes for @hearth/codec. Decoders throw one of these for every kind of bad input, so a
 * transport can tell a corrupt or hostile message from a bug by comparing `err.code`.
 */
export const CodecErrorCode = {
  /** The bytes do not start with the Shareable envelope's magic. */
  BAD_MAGIC: 'HEARTH_ERR_CODEC_BAD_MAGIC',
  /** The envelope's format version is not one this build reads. */
  UNSUPPORTED_VERSION: 'HEARTH_ERR_CODEC_UNSUPPORTED_VERSION',
  /** The envelope or a DXO record sets flag bits that are unknown or contradict its content. */
  BAD_FLAGS: 'HEARTH_ERR_CODEC_BAD_FLAGS',
  /** The CRC-32 over the payload does not match the one in the envelope. */
  CHECKSUM_MISMATCH: 'HEARTH_ERR_CODEC_CHECKSUM_MISMATCH',
  /** A declared length or offset reaches beyond the end of the bytes. */
  TRUNCATED: 'HEARTH_ERR_CODEC_TRUNCATED',
  /** Bytes are left over after everything the header declares. */
  TRAILING_BYTES: 'HEARTH_ERR_CODEC_TRAILING_BYTES',
  /** Input exceeds a {@link DecodeOptions} limit (bytes, header bytes, tensors, depth). */
  LIMIT_EXCEEDED: 'HEARTH_ERR_CODEC_LIMIT_EXCEEDED',
  /** A header is not valid UTF-8 or not valid JSON, or repeats a key. */
  INVALID_JSON: 'HEARTH_ERR_CODEC_INVALID_JSON',
  /** A header is valid JSON but not the expected structure (missing field, wrong type, bad metadata). */
  INVALID_HEADER: 'HEARTH_ERR_CODEC_INVALID_HEADER',
  /** Tensor data offsets are out of range, overlap, or leave holes in the data buffer. */
  INVALID_OFFSETS: 'HEARTH_ERR_CODEC_INVALID_OFFSETS',
  /** A tensor's dtype is not one Hearth supports. */
  UNKNOWN_DTYPE: 'HEARTH_ERR_CODEC_UNKNOWN_DTYPE',
  /** A tensor's shape is invalid or its element count does not match its byte length. */
  SHAPE_MISMATCH: 'HEARTH_ERR_CODEC_SHAPE_MISMATCH',
  /** A DXO record is inconsistent (unknown kind, missing payload for its kind, bad item names). */
  INVALID_DXO: 'HEARTH_ERR_CODEC_INVALID_DXO',
  /** Something handed to an encoder cannot be encoded (bad tensor, reserved name, non-JSON value). */
  INVALID_INPUT: 'HEARTH_ERR_CODEC_INVALID_INPUT',
  /** Reading or writing a file failed; `cause` holds the system error. */
  IO: 'HEARTH_ERR_CODEC_IO',
} as const;

/** Union of every error code defined by @hearth/codec. */
export type CodecErrorCodeValue = (typeof CodecErrorCode)[keyof typeof CodecErrorCode];

const CODEC_CODES: ReadonlySet<string> = new Set(Object.values(CodecErrorCode));

/** True when `err` is a Hearth error carrying one of the codec's codes; works across package copies. */
export function isCodecError(err: unknown): err is HearthError {
  if (typeof err !== 'object' || err === null) return false;
  const candidate = err as { name?: unknown; code?: unknown };
  return candidate.name === 'HearthError' && typeof candidate.code === 'string' && CODEC_CODES.has(candidate.code);
}

/** Builds a codec error; `options.context` names what was wrong (tensor, field, offset). */
export function codecError(code: CodecErrorCodeValue, message: string, options: HearthErrorOptions = {}): HearthError {
  return new HearthError(code, message, options);
}
