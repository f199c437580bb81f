import { crc32 } from 'node:zlib';

/** zlib's crc32 takes a 32-bit length; larger views are fed to it in slices of this many bytes. */
const SLICE_BYTES = 1 << 30;

/** CRC-32 (the zlib/PNG polynomial) of the parts taken one after another, as if concatenated, continuing from `initial`. */
export function crc32OfParts(parts: readonly Uint8Array[], initial = 0): number {
  let crc = initial;
  for (const part of parts) {
    for (let offset = 0; offset < part.byteLength; offset += SLICE_BYTES) {
      crc = crc32(part.subarray(offset, Math.min(offset + SLICE_BYTES, part.byteLength)), crc);
    }
  }
  return crc;
}
