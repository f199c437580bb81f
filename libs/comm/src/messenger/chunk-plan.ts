import { commError, CommErrorCode } from '../errors.js';

/**
 * Cuts a payload given as parts into fixed-size chunks without copying: each chunk is a list of views
 * into the parts it spans. Offsets are plain numbers, exact up to 2^53, so payloads beyond 2 or 4 GiB
 * (and parts that large) work.
 */
export class ChunkPlan {
  readonly totalBytes: number;
  readonly chunkBytes: number;
  readonly chunkCount: number;
  readonly #parts: readonly Uint8Array[];
  /** Payload offset at which each (non-empty) part starts. */
  readonly #starts: readonly number[];

  constructor(parts: readonly Uint8Array[], chunkBytes: number) {
    const kept: Uint8Array[] = [];
    const starts: number[] = [];
    let total = 0;
    for (const part of parts) {
      if (!(part instanceof Uint8Array)) {
        throw commError(CommErrorCode.INVALID_OPTIONS, 'stream parts must be Uint8Arrays', { context: { index: kept.length } });
      }
      if (part.byteLength === 0) continue;
      kept.push(part);
      starts.push(total);
      total += part.byteLength;
    }
    this.#parts = kept;
    this.#starts = starts;
    this.totalBytes = total;
    this.chunkBytes = chunkBytes;
    this.chunkCount = Math.ceil(total / chunkBytes);
  }

  /** Byte length of chunk `index`: `chunkBytes`, except a shorter last chunk. */
  lengthOf(index: number): number {
    return Math.min(this.chunkBytes, this.totalBytes - index * this.chunkBytes);
  }

  /** Views covering chunk `index`, in order. */
  slices(index: number): Uint8Array[] {
    const start = index * this.chunkBytes;
    const end = start + this.lengthOf(index);
    const slices: Uint8Array[] = [];
    for (let at = this.#partAt(start); at < this.#parts.length; at += 1) {
      const partStart = this.#starts[at] ?? 0;
      if (partStart >= end) break;
      const part = this.#parts[at] ?? new Uint8Array(0);
      slices.push(part.subarray(Math.max(0, start - partStart), Math.min(part.byteLength, end - partStart)));
    }
    return slices;
  }

  /** Index of the part holding payload byte `offset` (binary search over the part starts). */
  #partAt(offset: number): number {
    let low = 0;
    let high = this.#starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((this.#starts[middle] ?? 0) <= offset) low = middle;
      else high = middle - 1;
    }
    return low;
  }
}
