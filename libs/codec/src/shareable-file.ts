import { fstatSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import type { ParamMap, ParamSource, Shareable } from '@hearth/core';
import { compileDecodeOptions, enforceLimit } from './decode-options.js';
import type { CompiledDecodeOptions, DecodeOptions } from './decode-options.js';
import { bytesOf } from './internal/byte-layout.js';
import { ByteReader } from './internal/byte-reader.js';
import { fileSource, readFullyAsync, withOpenFileAsync } from './internal/byte-source.js';
import { crc32OfParts } from './internal/checksum.js';
import { ENVELOPE } from './internal/envelope-layout.js';
import { emptyTensorOf, FileParamSource, fileTensorsOf } from './internal/file-param-source.js';
import type { FileTensor } from './internal/file-param-source.js';
import { readSafetensorsLayout } from './safetensors-decode.js';
import type { DecodeBudget } from './safetensors-decode.js';
import { checkEnvelopeChecksum, readEnvelope } from './shareable-decode.js';
import type { EnvelopeReading, ParamsBlockReader } from './shareable-decode.js';

/** Bytes read at a time where the file is read for its CRC only (headers, padding, or the whole file). */
const CRC_SLICE_BYTES = 8 * 1024 * 1024;

/** A Shareable read from a file with its tensors left in the file. */
export interface OpenedShareableFile {
  readonly shareable: Shareable;
  /** The file-backed sources of every DXO with tensors (nested ones included): the file must outlive them. */
  readonly sources: readonly ParamSource[];
}

/** Where one tensor's bytes go: read from `position` in the file straight into `bytes`. */
interface TensorTarget {
  readonly position: number;
  readonly bytes: Uint8Array;
}

/**
 * Reads the open file once from {@link ENVELOPE.CHECKED_FROM} to its end, each tensor straight into its
 * target (ascending positions) and everything between them through a scratch buffer, and returns the CRC-32
 * of all of it.
 */
async function readCheckedBytes(file: FileHandle, path: string, size: number, targets: readonly TensorTarget[]): Promise<number> {
  const scratch = new Uint8Array(Math.min(CRC_SLICE_BYTES, size));
  let crc = 0;
  let at: number = ENVELOPE.CHECKED_FROM;
  const readUpTo = async (end: number): Promise<void> => {
    for (; at < end; ) {
      const slice = scratch.subarray(0, Math.min(scratch.byteLength, end - at));
      await readFullyAsync(file, slice, at, path);
      crc = crc32OfParts([slice], crc);
      at += slice.byteLength;
    }
  };
  for (const target of targets) {
    await readUpTo(target.position);
    await readFullyAsync(file, target.bytes, target.position, path);
    crc = crc32OfParts([target.bytes], crc);
    at += target.bytes.byteLength;
  }
  await readUpTo(size);
  return crc;
}

/** The file's size, checked against `maxBytes`. */
function checkedSize(file: FileHandle, limits: CompiledDecodeOptions): number {
  const size = fstatSync(file.fd).size;
  enforceLimit({ what: 'Shareable envelope bytes', value: size, option: 'maxBytes', limits });
  return size;
}

/** Reads a tensor block's safetensors header at the reader's position and skips its data, leaving the tensors in the file. */
function skipFileTensors(reader: ByteReader, length: number, budget: DecodeBudget): FileTensor[] {
  const layout = readSafetensorsLayout(reader, length, budget);
  reader.skip(layout.dataLength, 'DXO params data');
  return fileTensorsOf(layout);
}

/** Reads the envelope's headers from the open file, sections at a time, handing each tensor block to `reading.readParams`. */
function readEnvelopeFile(file: FileHandle, path: string, size: number, reading: EnvelopeReading): Shareable {
  return readEnvelope(new ByteReader(fileSource(file.fd, size, path), `Shareable envelope file ${path}`), reading);
}

/**
 * Reads an envelope file (the bytes `encodeShareableParts` made, written one after another, such as a result
 * a transport spooled to disk) with the checks of `decodeShareable`, CRC included, but leaves the tensors in
 * the file: each tensor DXO gets a {@link ParamSource} that reads them a slice at a time, or all at once on
 * first access to `dxo.params`. Memory stays at the headers whatever the file's size, so a result larger
 * than the receiver could hold twice can be folded into an aggregate a slice at a time. The CRC pass over the
 * whole file is asynchronous; the rest reads only headers. {@link loadShareableFile} reads it all into memory
 * instead.
 */
export async function openShareableFile(path: string, options: DecodeOptions = {}): Promise<OpenedShareableFile> {
  const limits = compileDecodeOptions(options);
  return withOpenFileAsync(path, async (file) => {
    const size = checkedSize(file, limits);
    const crc = await readCheckedBytes(file, path, size, []);
    const sources: FileParamSource[] = [];
    const readParams: ParamsBlockReader = (reader, length, budget) => {
      const source = new FileParamSource(path, skipFileTensors(reader, length, budget));
      sources.push(source);
      return { paramSource: source };
    };
    const shareable = readEnvelopeFile(file, path, size, { limits, checksum: () => crc, readParams });
    return { shareable, sources };
  });
}

/**
 * Reads an envelope file into memory, like `decodeShareable` on its bytes but without holding them twice and
 * with one pass over the tensors: the headers are read first and each tensor gets its own aligned buffer, then
 * one pass over the file fills the buffers and computes the CRC, which must match before the Shareable is
 * returned. A file whose headers do not parse is reported as a checksum mismatch when its CRC does not match
 * either (as `decodeShareable`, which checks the CRC first, would), else with the error that names the
 * header. The reads are asynchronous.
 */
export async function loadShareableFile(path: string, options: DecodeOptions = {}): Promise<Shareable> {
  const limits = compileDecodeOptions(options);
  return withOpenFileAsync(path, async (file) => {
    const size = checkedSize(file, limits);
    const targets: TensorTarget[] = [];
    const readParams: ParamsBlockReader = (reader, length, budget) => {
      const params: ParamMap = new Map();
      for (const t of skipFileTensors(reader, length, budget)) {
        const tensor = emptyTensorOf(t);
        params.set(t.name, tensor);
        targets.push({ position: t.position, bytes: bytesOf(tensor.data) });
      }
      return { params };
    };
    /** The CRC stored in the prelude, once the prelude passed its checks (a later error may come from a corrupted file). */
    let stored: number | undefined;
    let shareable: Shareable;
    try {
      shareable = readEnvelopeFile(file, path, size, {
        limits,
        // The CRC is compared after the one pass below; here the prelude's own value stands in for it.
        checksum: () => {
          stored = new DataView(fileSource(file.fd, size, path).bytes(ENVELOPE.CRC_OFFSET, 4).buffer).getUint32(0, true);
          return stored;
        },
        readParams,
      });
    } catch (err) {
      if (stored !== undefined) checkEnvelopeChecksum(stored, await readCheckedBytes(file, path, size, []));
      throw err;
    }
    targets.sort((a, b) => a.position - b.position);
    checkEnvelopeChecksum(stored ?? 0, await readCheckedBytes(file, path, size, targets));
    return shareable;
  });
}
