import type { FrameInput } from '../driver.js';

/** A frame to send as its parts and their total length. */
export interface FrameParts {
  readonly parts: readonly Uint8Array[];
  readonly byteLength: number;
}

/** Normalises a frame to its parts and measures it, without copying. */
export function frameParts(frame: FrameInput): FrameParts {
  const parts: readonly Uint8Array[] = frame instanceof Uint8Array ? [frame] : frame;
  let byteLength = 0;
  for (const part of parts) byteLength += part.byteLength;
  return { parts, byteLength };
}

/** Copies the parts into one fresh buffer of `byteLength` bytes (a frame is at most a few MiB). */
export function copyParts(frame: FrameParts): Uint8Array {
  const out = new Uint8Array(frame.byteLength);
  let offset = 0;
  for (const part of frame.parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}
