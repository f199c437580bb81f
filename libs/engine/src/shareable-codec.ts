import type { Shareable } from '@hearth/core';

/**
 * Turns a Shareable into bytes and back. The in-process transports pass every task and result through it so
 * server and clients never share mutable objects; the lead wires @hearth/codec's encodeShareable /
 * decodeShareable here.
 */
export interface ShareableCodec {
  encode(shareable: Shareable): Uint8Array;
  decode(bytes: Uint8Array): Shareable;
}

/** True when `value` has `encode` and `decode` functions. */
export function isShareableCodec(value: unknown): value is ShareableCodec {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<ShareableCodec>;
  return typeof candidate.encode === 'function' && typeof candidate.decode === 'function';
}
