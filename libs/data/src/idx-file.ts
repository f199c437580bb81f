import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { writeFileAtomic } from '@hearth/core';
import type { Tensor } from '@hearth/core';
import { DataErrorCode, dataError } from './errors.js';
import { decodeIdx } from './idx-decode.js';
import { encodeIdx } from './idx-encode.js';
import { isGzip } from './idx-format.js';
import type { IdxDType } from './idx-format.js';

const gunzipAsync = promisify(gunzip);
const gzipAsync = promisify(gzip);

/**
 * Reads a file's bytes, inflating them when they start with the gzip magic (whatever the file name says).
 * Inflation runs on libuv's thread pool, so a 26 MB dataset does not stall the event loop.
 */
export async function readMaybeGzipped(path: string): Promise<Uint8Array> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (cause) {
    throw dataError(DataErrorCode.IO, `${path}: cannot read file (${(cause as Error).message})`, {
      context: { path },
      cause,
    });
  }
  if (!isGzip(bytes)) return bytes;
  try {
    return await gunzipAsync(bytes);
  } catch (cause) {
    throw dataError(DataErrorCode.BAD_GZIP, `${path}: corrupt or truncated gzip data (${(cause as Error).message})`, {
      context: { path },
      cause,
    });
  }
}

/** Reads an IDX file, raw or gzipped (detected by magic bytes); errors name the file. */
export async function readIdxFile(path: string): Promise<Tensor<IdxDType>> {
  return decodeIdx(await readMaybeGzipped(path), { source: path });
}

/** Options for {@link writeIdxFile}. */
export interface WriteIdxFileOptions {
  /** Gzip the file (level 9). @default true when the path ends in `.gz` */
  readonly gzip?: boolean;
}

/**
 * Writes a tensor as an IDX file, gzipped or raw. The bytes go to a temporary file that is renamed into
 * place, so readers never see a half-written file.
 */
export async function writeIdxFile(path: string, t: Tensor<IdxDType>, options: WriteIdxFileOptions = {}): Promise<void> {
  const raw = encodeIdx(t);
  const bytes = (options.gzip ?? path.endsWith('.gz')) ? await gzipAsync(raw, { level: 9 }) : raw;
  try {
    await writeFileAtomic(path, bytes);
  } catch (cause) {
    throw dataError(DataErrorCode.IO, `${path}: cannot write file (${(cause as Error).message})`, {
      context: { path },
      cause,
    });
  }
}
