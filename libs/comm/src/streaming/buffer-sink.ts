import type { HearthError } from '@hearth/core';
import { constants } from 'node:buffer';
import { commError, CommErrorCode } from '../errors.js';
import { checkInteger } from '../internal/check-integer.js';
import { Prefault } from '../internal/prefault.js';
import { SegmentLayout } from '../internal/segment-layout.js';
import type { StreamSink } from './stream-sink.js';

/** Options for {@link BufferSink}. */
export interface BufferSinkOptions {
  /** Payload size, from {@link IncomingStream.totalBytes}. */
  readonly byteLength: number;
  /** Largest payload accepted; a larger declaration fails with LIMIT_EXCEEDED before anything is allocated. */
  readonly maxBytes: number;
  /**
   * Largest single buffer. Payloads up to this size arrive as one contiguous buffer; larger ones as
   * several, in order. Not together with `partLengths`. @default buffer.constants.MAX_LENGTH (4 GiB on 64-bit Node 20)
   */
  readonly segmentBytes?: number;
  /**
   * Lay the payload out in buffers of these lengths, in order, instead of equal segments: typically the
   * lengths of the sender's parts, announced in the stream meta. Each part then arrives as its own
   * buffer, so the tensors of an encoded ParamMap can be viewed in place (aligned, no copy) and a model
   * larger than the largest single buffer (4 GiB on Node 20) never has a tensor split across two. The
   * lengths may come from the peer: they are checked (each at most buffer.constants.MAX_LENGTH, at most
   * 2^20 of them, adding up to `byteLength`) and refused with INVALID_OPTIONS. @default equal segments
   */
  readonly partLengths?: readonly number[];
}

/** Payloads from this size on have their buffers' pages faulted in ahead of the chunks, off the event loop. */
const PREFAULT_FROM_BYTES = 8 * 1024 * 1024;

/**
 * A sink that gathers a payload in memory, in buffers of the declared size: no concatenation, no growth
 * beyond the declared size, which is checked against `maxBytes` first. The buffers are allocated when the
 * sink is made: buffers allocated mid-transfer, as the chunks reached them, counted as fresh external
 * memory for V8 and set off dozens of full garbage collections per GiB received (tools/bench/transport).
 * From 8 MiB on, a libuv threadpool thread faults their pages in ahead of the chunks ({@link Prefault}), so
 * the event loop does not pay for fresh memory; resident memory then runs at most 64 MiB ahead of the data received.
 * `result` resolves with the buffers once the transfer completes, and rejects if it fails.
 */
export class BufferSink implements StreamSink {
  /** The payload as one buffer (or several: when it exceeds `segmentBytes`, or one per `partLengths` entry), once complete. */
  readonly result: Promise<Uint8Array[]>;
  readonly #byteLength: number;
  readonly #layout: SegmentLayout;
  /** The payload's buffers; undefined once the sink was aborted. */
  #segments: Uint8Array[] | undefined;
  #settle: { resolve: (segments: Uint8Array[]) => void; reject: (error: HearthError) => void } | undefined;
  readonly #prefault: Prefault | undefined;

  constructor(options: BufferSinkOptions) {
    const maxBytes = checkInteger(options.maxBytes, { name: 'BufferSink maxBytes', min: 0, max: Number.MAX_SAFE_INTEGER });
    this.#byteLength = checkInteger(options.byteLength, { name: 'BufferSink byteLength', min: 0, max: Number.MAX_SAFE_INTEGER });
    if (this.#byteLength > maxBytes) {
      throw commError(CommErrorCode.LIMIT_EXCEEDED, `payload of ${this.#byteLength} bytes exceeds the receiver's limit of ${maxBytes} bytes`, {
        context: { byteLength: this.#byteLength, maxBytes },
      });
    }
    if (options.partLengths !== undefined && options.segmentBytes !== undefined) {
      throw commError(CommErrorCode.INVALID_OPTIONS, 'BufferSink takes segmentBytes or partLengths, not both');
    }
    this.#layout =
      options.partLengths === undefined
        ? SegmentLayout.uniform({
            byteLength: this.#byteLength,
            segmentBytes: checkInteger(options.segmentBytes ?? constants.MAX_LENGTH, { name: 'BufferSink segmentBytes', min: 1, max: constants.MAX_LENGTH }),
          })
        : SegmentLayout.ofLengths({ byteLength: this.#byteLength, lengths: options.partLengths, name: 'BufferSink partLengths' });
    const layout = this.#layout;
    this.#segments = Array.from({ length: layout.count }, (_, index) => new Uint8Array(layout.lengthOf(index)));
    this.#prefault = this.#byteLength >= PREFAULT_FROM_BYTES ? new Prefault(this.#segments) : undefined;
    this.result = new Promise<Uint8Array[]>((resolve, reject) => {
      this.#settle = { resolve, reject };
    });
    this.result.catch(() => undefined);
  }

  write(chunk: Uint8Array, offset: number): void | Promise<void> {
    if (offset < 0 || offset + chunk.byteLength > this.#byteLength) {
      throw commError(CommErrorCode.PROTOCOL_VIOLATION, `chunk [${offset}, ${offset + chunk.byteLength}) lies outside the ${this.#byteLength}-byte payload`, {
        context: { offset, byteLength: chunk.byteLength },
      });
    }
    const ready = this.#prefault?.ready(offset + chunk.byteLength);
    if (ready === undefined) {
      this.#store(chunk, offset);
      return undefined;
    }
    return ready.then(() => this.#store(chunk, offset));
  }

  #store(chunk: Uint8Array, offset: number): void {
    const segments = this.#segments;
    if (segments === undefined) throw commError(CommErrorCode.ABORTED, 'the BufferSink was aborted; it takes no more chunks');
    let written = 0;
    for (let index = this.#layout.indexAt(offset); written < chunk.byteLength; index += 1) {
      // The layout covers the whole payload, so the chunk's bytes always have buffers to go to.
      const segment = segments[index] as Uint8Array;
      const within = offset + written - this.#layout.startOf(index);
      const count = Math.min(chunk.byteLength - written, segment.byteLength - within);
      segment.set(chunk.subarray(written, written + count), within);
      written += count;
    }
  }

  complete(): void {
    if (this.#segments !== undefined) this.#settle?.resolve(this.#segments);
    this.#settle = undefined;
  }

  abort(error: HearthError): void {
    this.#segments = undefined;
    this.#prefault?.stop();
    this.#settle?.reject(error);
    this.#settle = undefined;
  }
}
