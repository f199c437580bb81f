import { concatParts } from './concat-parts.js';

/**
 * Collects the parts of an encoding: small buffers the encoder made itself are merged into one part,
 * large views over caller memory (tensor data) are kept as their own parts, so the result has few parts
 * and copies no tensor data.
 */
export class PartsBuilder {
  readonly #parts: Uint8Array[] = [];
  #pending: Uint8Array[] = [];
  #byteLength = 0;

  /** Bytes added so far. */
  get byteLength(): number {
    return this.#byteLength;
  }

  /** Adds a small buffer the encoder owns; it may be copied into a merged part. Empty ones are dropped. */
  own(bytes: Uint8Array): void {
    if (bytes.byteLength === 0) return;
    this.#pending.push(bytes);
    this.#byteLength += bytes.byteLength;
  }

  /** Adds a view over memory the caller owns; it becomes a part of its own, never copied. */
  view(bytes: Uint8Array): void {
    this.#flush();
    this.#parts.push(bytes);
    this.#byteLength += bytes.byteLength;
  }

  /** The parts, in order. */
  finish(): Uint8Array[] {
    this.#flush();
    return this.#parts;
  }

  #flush(): void {
    if (this.#pending.length === 0) return;
    this.#parts.push(this.#pending.length === 1 ? (this.#pending[0] as Uint8Array) : concatParts(this.#pending));
    this.#pending = [];
  }
}
