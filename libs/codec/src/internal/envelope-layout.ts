/**
 * Byte layout of an encoded Shareable (format version 1). All integers are little-endian; every section
 * starts at a multiple of 8 so tensor data inside an aligned buffer can be viewed without copying.
 *
 * ```
 * envelope prelude (24 bytes)
 *   0  magic "HRTH"          4 bytes
 *   4  crc32                 u32, CRC-32 (zlib) of bytes [8, end)
 *   8  version               u8, 1
 *   9  flags                 u8, bit 0: a DXO record follows the headers
 *  10  reserved              u16, 0
 *  12  headers length H      u32, multiple of 8
 *  16  body length B         u64, bytes after the prelude (H + DXO record)
 *  24  headers               H bytes of UTF-8 JSON object, space-padded
 *  24+H DXO record           when flag bit 0 is set
 *
 * DXO record
 *   0  record length J       u32, multiple of 8
 *   4  flags                 u32, bit 0: a safetensors block follows the record JSON
 *   8  record                J bytes of UTF-8 JSON {"kind","meta","values"?,"items"?: [names]}, space-padded
 *      params length L       u64, when flag bit 0 is set
 *      params                L bytes of safetensors, then zero bytes up to a multiple of 8
 *      items                 one nested DXO record per name in "items", in that order
 * ```
 */
export const ENVELOPE = {
  MAGIC: Uint8Array.of(0x48, 0x52, 0x54, 0x48),
  VERSION: 1,
  PRELUDE_BYTES: 24,
  CRC_OFFSET: 4,
  CHECKED_FROM: 8,
  FLAG_HAS_DXO: 0b1,
} as const;

/** Layout constants of a DXO record; see {@link ENVELOPE}. */
export const DXO_RECORD = {
  FIXED_BYTES: 8,
  FLAG_HAS_PARAMS: 0b1,
} as const;
