import { fstatSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import type { ParamSource, Shareable } from '@hearth/core';
import { compileDecodeOptions, enforceLimit } from './decode-options.js';
import type { DecodeOptions } from './decode-options.js';
import { ByteReader } from './internal/byte-reader.js';
import { fileSource, withOpenFile, withOpenFileAsync } from './internal/byte-source.js';
import { ENVELOPE } from './internal/envelope-layout.js';
import { FileParamSource, fileTensorsOf } from './internal/file-param-source.js';
import { readSafetensorsLayout } from './safetensors-decode.js';
import { readEnvelope } from './shareable-decode.js';
import type { ParamsBlockReader } from './shareable-decode.js';

/** Bytes read at a time while checking a file's CRC. */
const CRC_SLICE_BYTES = 8 * 1024 * 1024;

/** A Shareable read from a file with its tensors left in the file. */
export interface OpenedShareableFile {
  readonly shareable: Shareable;
  /** The file-backed sources of every DXO with tensors (nested ones included): the file must outlive them. */
  readonly sources: readonly ParamSource[];
  /** Reads every tensor into memory without blocking the event loop; `dxo.params` then needs the file no more. */
  loadAll(): Promise<void>;
}

/** CRC-32 of the file's bytes from `from` to its end, read asynchronously a slice at a time. */
async function fileCrc(path: string, from: number): Promise<number> {
  return withOpenFileAsync(path, async (file) => {
    const slice = new Uint8Array(CRC_SLICE_BYTES);
    let crc = 0;
    for (let at = from; ; ) {
      const { bytesRead } = await file.read(slice, 0, slice.byteLength, at);
      if (bytesRead === 0) return crc;
      crc = crc32(slice.subarray(0, bytesRead), crc);
      at += bytesRead;
    }
  });
}

/**
 * Reads an envelope file (the bytes `encodeShareableParts` made, written one after another, such as a result
 * a transport spooled to disk) with the checks of `decodeShareable`, CRC included, but leaves the tensors in
 * the file: each tensor DXO gets a {@link ParamSource} that reads them a slice at a time, or all at once on
 * first access to `dxo.params` (or ahead of it with `loadAll`). Memory stays at the headers whatever the
 * file's size, so a result larger than the receiver could hold twice can be folded into an aggregate a slice
 * at a time. The CRC pass over the whole file is asynchronous; the rest reads only headers.
 */
export async function openShareableFile(path: string, options: DecodeOptions = {}): Promise<OpenedShareableFile> {
  const limits = compileDecodeOptions(options);
  const crc = await fileCrc(path, ENVELOPE.CHECKED_FROM);
  const sources: FileParamSource[] = [];
  const shareable = withOpenFile(path, (fd) => {
    const size = fstatSync(fd).size;
    enforceLimit({ what: 'Shareable envelope bytes', value: size, option: 'maxBytes', limits });
    const readParams: ParamsBlockReader = (reader, length, budget) => {
      const layout = readSafetensorsLayout(reader, length, budget);
      reader.skip(layout.dataLength, 'DXO params data');
      const source = new FileParamSource(path, fileTensorsOf(layout));
      sources.push(source);
      return { paramSource: source };
    };
    return readEnvelope(new ByteReader(fileSource(fd, size, path), `Shareable envelope file ${path}`), {
      limits,
      checksum: () => crc,
      readParams,
    });
  });
  return { shareable, sources, loadAll: async () => void (await Promise.all(sources.map((source) => source.preload()))) };
}
