import type { HearthError } from '@hearth/core';
import type { CloseReason, Connection, FrameInput } from '../driver.js';
import { ConnectionCore } from '../internal/connection-core.js';
import { copyParts } from '../internal/frame-parts.js';

/** How one end of an in-process pair describes itself. */
export interface InprocEndInit {
  readonly remoteAddress: string;
  readonly peerIdentity: string | undefined;
  readonly maxFrameBytes: number;
}

/**
 * One end of an in-process connection. Every frame is copied on send, so the two ends share no memory
 * (as across a socket); a send waits while the peer has more unread frames than its high-water mark, so
 * a slow reader pushes back exactly as a network peer would.
 */
export class InprocConnection implements Connection {
  readonly driver = 'inproc';
  readonly peerIdentity: string | undefined;
  readonly remoteAddress: string;
  readonly maxFrameBytes: number;
  readonly #core: ConnectionCore;
  readonly #drainWaiters = new Set<() => void>();
  #peer: InprocConnection | undefined;
  #congested = false;

  private constructor(init: InprocEndInit) {
    this.peerIdentity = init.peerIdentity;
    this.remoteAddress = init.remoteAddress;
    this.maxFrameBytes = init.maxFrameBytes;
    this.#core = new ConnectionCore({
      driver: this.driver,
      remoteAddress: init.remoteAddress,
      maxFrameBytes: init.maxFrameBytes,
      pause: () => {
        this.#congested = true;
      },
      resume: () => {
        this.#congested = false;
        this.#wakeSenders();
      },
    });
  }

  /** Makes two connected ends; `a` is usually the dialling side and `b` the listening side. */
  static pair(a: InprocEndInit, b: InprocEndInit): readonly [InprocConnection, InprocConnection] {
    const first = new InprocConnection(a);
    const second = new InprocConnection(b);
    first.#peer = second;
    second.#peer = first;
    return [first, second];
  }

  get closed(): Promise<CloseReason> {
    return this.#core.closed;
  }

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    return this.#core.inbox[Symbol.asyncIterator]();
  }

  async send(frame: FrameInput): Promise<void> {
    const copy = copyParts(this.#core.outgoing(frame));
    const peer = this.#peer;
    if (peer === undefined || peer.#core.ended) throw this.#core.closedError();
    peer.#receive(copy);
    while (peer.#congested && !this.#core.ended && !peer.#core.ended) {
      await new Promise<void>((resolve) => peer.#drainWaiters.add(resolve));
    }
    if (this.#core.ended) throw this.#core.closedError();
  }

  async close(error?: HearthError): Promise<void> {
    if (!this.#end({ by: 'local', error })) return;
    const peer = this.#peer;
    if (peer !== undefined) peer.#end({ by: 'remote', error });
  }

  #receive(frame: Uint8Array): void {
    if (frame.byteLength > this.maxFrameBytes) {
      const error = this.#core.oversizedIncoming(frame.byteLength);
      void this.close(error);
      return;
    }
    this.#core.inbox.push(frame);
  }

  #end(reason: CloseReason): boolean {
    if (!this.#core.finish(reason)) return false;
    this.#wakeSenders();
    const peer = this.#peer;
    if (peer !== undefined) peer.#wakeSenders();
    return true;
  }

  #wakeSenders(): void {
    const waiters = [...this.#drainWaiters];
    this.#drainWaiters.clear();
    for (const wake of waiters) wake();
  }
}
