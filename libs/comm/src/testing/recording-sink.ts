import type { HearthError } from '@hearth/core';
import type { StreamSink } from '../streaming/stream-sink.js';

/** Hooks a {@link RecordingSink} calls before it stores a chunk (to stall or break a transfer at a chosen point). */
export type BeforeWrite = (offset: number, chunk: Uint8Array) => void | Promise<void>;

/**
 * A sink for tests: forwards to a real sink and records every call (offsets in order, completion, abort
 * reason), optionally running a hook before each write.
 */
export class RecordingSink implements StreamSink {
  readonly offsets: number[] = [];
  completed = false;
  /** Set once the inner sink has finished aborting. */
  abortedWith: HearthError | undefined;
  readonly #inner: StreamSink;
  readonly #beforeWrite: BeforeWrite | undefined;

  constructor(inner: StreamSink, beforeWrite?: BeforeWrite) {
    this.#inner = inner;
    this.#beforeWrite = beforeWrite;
  }

  async write(chunk: Uint8Array, offset: number): Promise<void> {
    await this.#beforeWrite?.(offset, chunk);
    this.offsets.push(offset);
    await this.#inner.write(chunk, offset);
  }

  async complete(): Promise<void> {
    await this.#inner.complete();
    this.completed = true;
  }

  async abort(error: HearthError): Promise<void> {
    await this.#inner.abort(error);
    this.abortedWith = error;
  }
}

/** Resolves on a later turn of the event loop, after pending I/O callbacks. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Waits, turn by turn, until `condition` holds (event ordering, never wall time). */
export async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await nextTurn();
}

/** A payload of `totalBytes` in parts of uneven sizes (so chunks span part boundaries), filled from a seed. */
export function unevenParts(totalBytes: number, seed = 1): Uint8Array[] {
  const parts: Uint8Array[] = [];
  let state = seed >>> 0 || 1;
  let made = 0;
  while (made < totalBytes) {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    const size = Math.min(totalBytes - made, 1 + (state % 700_000));
    const part = new Uint8Array(size);
    for (let index = 0; index < size; index += 4096) part[index] = (state >>> (index % 24)) & 0xff;
    part[size - 1] = state & 0xff;
    parts.push(part);
    made += size;
  }
  return parts;
}

/** True when the buffers hold the same bytes as the parts, in order. */
export function sameBytes(parts: readonly Uint8Array[], segments: readonly Uint8Array[]): boolean {
  const left = Buffer.concat(parts);
  const right = Buffer.concat(segments);
  return left.byteLength === right.byteLength && left.equals(right);
}
