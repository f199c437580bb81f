import type { HearthError } from '@hearth/core';
import type { CloseReason, Connection, FrameInput } from '../driver.js';
import { copyParts, frameParts } from '../internal/frame-parts.js';

/** Rewrites an outgoing frame (a copy: the sender's buffers stay untouched); return undefined to drop it. */
export type Tamper = (frame: Uint8Array) => Uint8Array | undefined;

/**
 * A real connection with a fault injector on the way out, for tests of what a receiver does with
 * corrupted or missing frames. Everything else passes through.
 */
export class TamperingConnection implements Connection {
  readonly #inner: Connection;
  readonly #tamper: Tamper;

  constructor(inner: Connection, tamper: Tamper) {
    this.#inner = inner;
    this.#tamper = tamper;
  }

  get driver(): string {
    return this.#inner.driver;
  }

  get peerIdentity(): string | undefined {
    return this.#inner.peerIdentity;
  }

  get remoteAddress(): string {
    return this.#inner.remoteAddress;
  }

  get maxFrameBytes(): number {
    return this.#inner.maxFrameBytes;
  }

  get closed(): Promise<CloseReason> {
    return this.#inner.closed;
  }

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    return this.#inner[Symbol.asyncIterator]();
  }

  async send(frame: FrameInput): Promise<void> {
    const changed = this.#tamper(copyParts(frameParts(frame)));
    if (changed !== undefined) await this.#inner.send(changed);
  }

  close(error?: HearthError): Promise<void> {
    return this.#inner.close(error);
  }
}
