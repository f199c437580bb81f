import type { HearthError } from '@hearth/core';
import { constants } from 'node:buffer';
import { commError, CommErrorCode } from '../errors.js';
import { checkInteger } from '../internal/check-integer.js';
import type { StreamSink } from './stream-sink.js';

/** Options for {@link BufferSink}. */
export interface BufferSinkOptions {
  /** Payload size, from {@link IncomingStream.totalBytes}. */
  readonly byteLength: number;
  /** Largest payload accepted; a larger declaration fails with LIMIT_EXCEEDED before anything is allocated. */
  readonly maxBytes: number;
  /**
   * Largest single buffer. Payloads up to this size arrive as one contiguous buffer; larger ones as
   * several, in order. @default buffer.constants.MAX_LENGTH (4 GiB on 64-bit Node 20)
   */
  readonly segmentBytes?: number;
}

/**
 * A sink that gathers a payload in memory, in buffers of the declared size allocated as the chunks reach
 * them: no concatenation, no growth beyond the declared size, which is checked against `maxBytes` first.
 * `result` resolves with the buffers once the transfer completes, and rejects if it fails.
 */
export class BufferSink implements StreamSink {
  /** The payload as one buffer (or several when it exceeds `segmentBytes`), once complete. */
  readonly result: Promise<Uint8Array[]>;
  readonly #byteLength: number;
  readonly #segmentBytes: number;
  readonly #segments: Uint8Array[] = [];
  #settle: { resolve: (segments: Uint8Array[]) => void; reject: (error: HearthError) => void } | undefined;

  constructor(options: BufferSinkOptions) {
    const maxBytes = checkInteger(options.maxBytes, { name: 'BufferSink maxBytes', min: 0, max: Number.MAX_SAFE_INTEGER });
    this.#byteLength = checkInteger(options.byteLength, { name: 'BufferSink byteLength', min: 0, max: Number.MAX_SAFE_INTEGER });
    this.#segmentBytes = checkInteger(options.segmentBytes ?? constants.MAX_LENGTH, { name: 'BufferSink segmentBytes', min: 1, max: constants.MAX_LENGTH });
    if (this.#byteLength > maxBytes) {
      throw commError(CommErrorCode.LIMIT_EXCEEDED, `payload of ${this.#byteLength} bytes exceeds the receiver's limit of ${maxBytes} bytes`, {
        context: { byteLength: this.#byteLength, maxBytes },
      });
    }
    this.result = new Promise<Uint8Array[]>((resolve, reject) => {
      this.#settle = { resolve, reject };
    });
    this.result.catch(() => undefined);
  }

  write(chunk: Uint8Array, offset: number): void {
    if (offset < 0 || offset + chunk.byteLength > this.#byteLength) {
      throw commError(CommErrorCode.PROTOCOL_VIOLATION, `chunk [${offset}, ${offset + chunk.byteLength}) lies outside the ${this.#byteLength}-byte payload`, {
        context: { offset, byteLength: chunk.byteLength },
      });
    }
    let written = 0;
    while (written < chunk.byteLength) {
      const at = offset + written;
      const index = Math.floor(at / this.#segmentBytes);
      const segment = this.#segment(index);
      const within = at - index * this.#segmentBytes;
      const count = Math.min(chunk.byteLength - written, segment.byteLength - within);
      segment.set(chunk.subarray(written, written + count), within);
      written += count;
    }
  }

  complete(): void {
    const count = Math.ceil(this.#byteLength / this.#segmentBytes);
    for (let index = 0; index < count; index += 1) this.#segment(index);
    this.#settle?.resolve(count === 0 ? [new Uint8Array(0)] : this.#segments);
    this.#settle = undefined;
  }

  abort(error: HearthError): void {
    this.#segments.length = 0;
    this.#settle?.reject(error);
    this.#settle = undefined;
  }

  #segment(index: number): Uint8Array {
    for (let next = this.#segments.length; next <= index; next += 1) {
      this.#segments.push(new Uint8Array(Math.min(this.#segmentBytes, this.#byteLength - next * this.#segmentBytes)));
    }
    return this.#segments[index] ?? new Uint8Array(0);
  }
}
