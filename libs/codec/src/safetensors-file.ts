import { fstatSync } from 'node:fs';
import { writeFileAtomic } from '@hearth/core';
import type { HearthError, ParamMap } from '@hearth/core';
import { compileDecodeOptions } from './decode-options.js';
import type { DecodeOptions } from './decode-options.js';
import { codecError, CodecErrorCode } from './errors.js';
import { ByteReader } from './internal/byte-reader.js';
import { fileSource, withOpenFile } from './internal/byte-source.js';
import { FileParamSource, fileTensorsOf } from './internal/file-param-source.js';
import { readSafetensorsLayout } from './safetensors-decode.js';
import type { SafetensorsContents } from './safetensors-decode.js';
import { encodeParamMapParts } from './safetensors-encode.js';
import type { SafetensorsEncodeOptions } from './safetensors-encode.js';

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

/**
 * Reads a safetensors file: the header is checked as {@link decodeParamMap} checks it (the file size against
 * `maxBytes` first), then each tensor is read into its own aligned buffer, so a model larger than the largest
 * single buffer (4 GiB on Node 20) reads as well as a small one. A malformed or short file raises a coded error
 * naming the file.
 */
export async function readSafetensorsFile(path: string, options: DecodeOptions = {}): Promise<SafetensorsContents> {
  const limits = compileDecodeOptions(options);
  const { source, metadata } = withOpenFile(path, (fd) => {
    const size = fstatSync(fd).size;
    if (size > limits.maxBytes) {
      throw codecError(CodecErrorCode.LIMIT_EXCEEDED, `safetensors file ${path} of ${size} bytes exceeds maxBytes ${limits.maxBytes}`, {
        context: { path, bytes: size, maxBytes: limits.maxBytes },
      });
    }
    const reader = new ByteReader(fileSource(fd, size, `safetensors file ${path}`), `safetensors file ${path}`);
    const layout = readSafetensorsLayout(reader, size, { limits, tensors: 0 });
    return { source: new FileParamSource(path, fileTensorsOf(layout)), metadata: layout.metadata };
  });
  await source.preload();
  return { params: source.load(), metadata };
}
