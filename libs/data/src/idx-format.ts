import type { DType } from '@hearth/core';

/**
 * Element types an IDX file can hold (Yann LeCun's MNIST format), named as Hearth dtypes, with the type
 * code the format stores in the third byte of the magic number and the element width in bytes.
 */
export const IDX_DTYPES = {
  U8: { code: 0x08, width: 1 },
  I8: { code: 0x09, width: 1 },
  I16: { code: 0x0b, width: 2 },
  I32: { code: 0x0c, width: 4 },
  F32: { code: 0x0d, width: 4 },
  F64: { code: 0x0e, width: 8 },
} as const satisfies Partial<Record<DType, { code: number; width: number }>>;

/** A dtype an IDX file can hold. */
export type IdxDType = keyof typeof IDX_DTYPES;

/** The IDX dtype stored under a type code, or undefined for a code the format does not define. */
export function idxDTypeOfCode(code: number): IdxDType | undefined {
  for (const [dtype, info] of Object.entries(IDX_DTYPES)) {
    if (info.code === code) return dtype as IdxDType;
  }
  return undefined;
}

/** True when `bytes` start with the gzip magic (1f 8b), so they must be inflated before decoding. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}
