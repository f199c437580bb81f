import { constants } from 'node:buffer';
import { commError, CommErrorCode } from '../errors.js';
import { checkInteger } from './check-integer.js';

/** Most buffers a payload may be laid out in; bounds the work a peer-supplied list can cause. */
export const MAX_SEGMENTS = 1 << 20;

/**
 * How a payload is cut into buffers: equal segments of at most `segmentBytes`, or buffers of given lengths
 * (for example the sender's parts). Answers which buffer holds a payload offset, without allocating any.
 */
export class SegmentLayout {
  /** Buffers in the layout (at least one: an empty payload is one empty buffer unless lengths say otherwise). */
  readonly count: number;
  readonly #segmentBytes: number;
  readonly #byteLength: number;
  /** Payload offset of each buffer, when lengths were given; undefined for equal segments. */
  readonly #starts: Float64Array | undefined;

  private constructor(init: { readonly byteLength: number; readonly segmentBytes: number; readonly starts: Float64Array | undefined; readonly count: number }) {
    this.#byteLength = init.byteLength;
    this.#segmentBytes = init.segmentBytes;
    this.#starts = init.starts;
    this.count = init.count;
  }

  /** Equal segments of `segmentBytes` (the last one shorter). */
  static uniform(options: { readonly byteLength: number; readonly segmentBytes: number }): SegmentLayout {
    const count = Math.max(1, Math.ceil(options.byteLength / options.segmentBytes));
    return new SegmentLayout({ byteLength: options.byteLength, segmentBytes: options.segmentBytes, starts: undefined, count });
  }

  /**
   * Buffers of the given lengths, in order. Throws INVALID_OPTIONS, naming the fault, unless there are at
   * most {@link MAX_SEGMENTS} lengths, each fits in one buffer, and they add up to `byteLength`.
   */
  static ofLengths(options: { readonly byteLength: number; readonly lengths: unknown; readonly name: string }): SegmentLayout {
    const { lengths, name } = options;
    if (!Array.isArray(lengths) || lengths.length > MAX_SEGMENTS) {
      throw commError(CommErrorCode.INVALID_OPTIONS, `${name} must be an array of at most ${MAX_SEGMENTS} lengths`, { context: { option: name } });
    }
    const starts = new Float64Array(lengths.length + 1);
    lengths.forEach((length: unknown, index) => {
      starts[index + 1] = (starts[index] ?? 0) + checkInteger(length, { name: `${name}[${index}]`, min: 0, max: constants.MAX_LENGTH });
    });
    const total = starts[lengths.length] ?? 0;
    if (total !== options.byteLength) {
      throw commError(CommErrorCode.INVALID_OPTIONS, `${name} add up to ${total} bytes, but the payload is ${options.byteLength} bytes`, {
        context: { option: name, total, byteLength: options.byteLength },
      });
    }
    return new SegmentLayout({ byteLength: options.byteLength, segmentBytes: 0, starts, count: lengths.length });
  }

  /** Byte length of buffer `index`. */
  lengthOf(index: number): number {
    if (this.#starts === undefined) return Math.min(this.#segmentBytes, this.#byteLength - index * this.#segmentBytes);
    return (this.#starts[index + 1] ?? 0) - (this.#starts[index] ?? 0);
  }

  /** Payload offset at which buffer `index` starts. */
  startOf(index: number): number {
    return this.#starts === undefined ? index * this.#segmentBytes : (this.#starts[index] ?? 0);
  }

  /** Index of the buffer that holds payload byte `offset` (which must be below the payload's length). */
  indexAt(offset: number): number {
    const starts = this.#starts;
    if (starts === undefined) return Math.floor(offset / this.#segmentBytes);
    let low = 0;
    let high = this.count - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((starts[middle] ?? 0) <= offset) low = middle;
      else high = middle - 1;
    }
    return low;
  }
}
