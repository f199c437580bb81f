/** `n` rounded up to the next multiple of 8, the alignment every section of our encodings starts at. */
export function alignTo8(n: number): number {
  return Math.ceil(n / 8) * 8;
}

/** A fresh buffer of `byteLength` zero bytes with a little-endian DataView over it, for writing fixed fields. */
export function fixedFields(byteLength: number): { bytes: Uint8Array; view: DataView } {
  const bytes = new Uint8Array(byteLength);
  return { bytes, view: new DataView(bytes.buffer) };
}

/** The bytes of a typed array, as a Uint8Array view over the same memory (no copy). */
export function bytesOf(data: ArrayBufferView): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
