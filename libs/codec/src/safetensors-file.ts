import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { isHearthError, writeFileAtomic } from '@hearth/core';
import type { HearthError, ParamMap } from '@hearth/core';
import { compileDecodeOptions } from './decode-options.js';
import type { DecodeOptions } from './decode-options.js';
import { codecError, CodecErrorCode } from './errors.js';
import { readSafetensors } from './safetensors-decode.js';
import type { SafetensorsContents } from './safetensors-decode.js';
import { encodeParamMapParts } from './safetensors-encode.js';
import type { SafetensorsEncodeOptions } from './safetensors-encode.js';

/** Largest single read or write; the kernel caps one call near 2 GiB, so bigger buffers go in slices. */
const IO_SLICE_BYTES = 1 << 30;

function ioError(action: string, path: string, cause: unknown): HearthError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return codecError(CodecErrorCode.IO, `could not ${action} ${path}: ${reason}`, { context: { path }, cause });
}

/**
 * Writes `params` as a safetensors file that PyTorch, NumPy and Hearth read. The parts are written one
 * after another (the model is never concatenated in memory) to a temporary file beside `path`, flushed
 * to disk, then renamed over `path`: a crash leaves either the old file or the new one, never half of one.
 * Invalid tensors fail before anything touches the disk.
 */
export async function writeSafetensorsFile(path: string, params: ParamMap, options: SafetensorsEncodeOptions = {}): Promise<void> {
  const parts = encodeParamMapParts(params, options);
  try {
    await writeFileAtomic(path, parts);
  } catch (err) {
    throw ioError('write', path, err);
  }
}

async function readWhole(path: string, maxBytes: number): Promise<Uint8Array> {
  let file: FileHandle | undefined;
  try {
    file = await open(path, 'r');
    const { size } = await file.stat();
    if (size > maxBytes) {
      throw codecError(CodecErrorCode.LIMIT_EXCEEDED, `safetensors file ${path} of ${size} bytes exceeds maxBytes ${maxBytes}`, {
        context: { path, bytes: size, maxBytes },
      });
    }
    const bytes = new Uint8Array(size);
    let offset = 0;
    while (offset < size) {
      const { bytesRead } = await file.read(bytes, offset, Math.min(IO_SLICE_BYTES, size - offset), offset);
      if (bytesRead === 0) throw new Error(`file ended after ${offset} of ${size} bytes`);
      offset += bytesRead;
    }
    return bytes;
  } catch (err) {
    if (isHearthError(err)) throw err;
    throw ioError('read', path, err);
  } finally {
    await file?.close().catch(() => undefined);
  }
}

/**
 * Reads a safetensors file into one aligned buffer and decodes it; tensors are zero-copy views over that
 * buffer wherever their offsets are aligned. The file size is checked against `maxBytes` before anything
 * is allocated; a malformed file raises the same coded errors as {@link decodeParamMap}.
 */
export async function readSafetensorsFile(path: string, options: DecodeOptions = {}): Promise<SafetensorsContents> {
  const limits = compileDecodeOptions(options);
  const bytes = await readWhole(path, limits.maxBytes);
  return readSafetensors(bytes, { limits, tensors: 0 });
}
