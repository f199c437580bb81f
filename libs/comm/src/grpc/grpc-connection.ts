import type { HearthError } from '@hearth/core';
import type { CloseReason, Connection, FrameInput } from '../driver.js';
import { ConnectionCore } from '../internal/connection-core.js';
import { MalformedFrame } from './frame-service.js';

/** The part of a gRPC duplex call (client or server side) that a connection uses. */
export interface GrpcCall {
  write(parts: readonly Uint8Array[], callback: (error: Error | null | undefined) => void): boolean;
  on(event: 'data', listener: (frame: Uint8Array | MalformedFrame) => void): unknown;
  pause(): unknown;
  resume(): unknown;
}

/** What {@link GrpcConnection} needs from the side (client or server) that made it. */
export interface GrpcConnectionInit {
  /** The bidirectional call: writes take frame parts, reads yield frame bytes (or a {@link MalformedFrame}). */
  readonly call: GrpcCall;
  readonly remoteAddress: string;
  readonly peerIdentity: string | undefined;
  readonly maxFrameBytes: number;
  /**
   * Ends the call from this side and frees what the side owns (the client's channel), orderly when
   * `error` is absent. Called once, whichever side ended first; must not reject.
   */
  readonly end: (error: HearthError | undefined) => Promise<void>;
}

/** One gRPC bidirectional stream seen as a {@link Connection}; the same class serves both sides. */
export class GrpcConnection implements Connection {
  readonly driver = 'grpc';
  readonly peerIdentity: string | undefined;
  readonly remoteAddress: string;
  readonly maxFrameBytes: number;
  readonly #init: GrpcConnectionInit;
  readonly #core: ConnectionCore;
  readonly #pendingSends = new Set<(error: HearthError) => void>();
  #teardown: Promise<void> | undefined;

  constructor(init: GrpcConnectionInit) {
    this.#init = init;
    this.peerIdentity = init.peerIdentity;
    this.remoteAddress = init.remoteAddress;
    this.maxFrameBytes = init.maxFrameBytes;
    this.#core = new ConnectionCore({
      driver: this.driver,
      remoteAddress: init.remoteAddress,
      maxFrameBytes: init.maxFrameBytes,
      pause: () => init.call.pause(),
      resume: () => init.call.resume(),
    });
    init.call.on('data', (frame: Uint8Array | MalformedFrame) => {
      if (frame instanceof MalformedFrame) this.#finish({ by: 'local', error: frame.error });
      else if (frame.byteLength > init.maxFrameBytes) this.#finish({ by: 'local', error: this.#core.oversizedIncoming(frame.byteLength) });
      else this.#core.inbox.push(frame);
    });
  }

  get closed(): Promise<CloseReason> {
    return this.#core.closed;
  }

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    return this.#core.inbox[Symbol.asyncIterator]();
  }

  async send(frame: FrameInput): Promise<void> {
    const { parts } = this.#core.outgoing(frame);
    await new Promise<void>((resolve, reject) => {
      const fail = (error: HearthError): void => {
        this.#pendingSends.delete(fail);
        reject(error);
      };
      this.#pendingSends.add(fail);
      this.#init.call.write(parts, (error: Error | null | undefined) => {
        if (!this.#pendingSends.delete(fail)) return;
        if (error === null || error === undefined) resolve();
        else reject(this.#core.ended ? this.#core.closedError() : error);
      });
    });
  }

  async close(error?: HearthError): Promise<void> {
    this.#finish({ by: 'local', error });
    await this.#teardown;
  }

  /** The transport says the call is over (status, cancellation, stream error): end this side too. */
  remoteEnded(error: HearthError | undefined): void {
    this.#finish({ by: 'remote', error });
  }

  #finish(reason: CloseReason): void {
    if (!this.#core.finish(reason)) return;
    const closedError = this.#core.closedError();
    for (const fail of [...this.#pendingSends]) fail(closedError);
    this.#teardown = this.#init.end(reason.by === 'local' ? reason.error : undefined);
  }
}
