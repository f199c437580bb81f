import type { HearthError } from '@hearth/core';
import type { WebSocket } from 'ws';
import type { CloseReason, Connection, FrameInput } from '../driver.js';
import { commError, CommErrorCode } from '../errors.js';
import { ConnectionCore } from '../internal/connection-core.js';
import { within } from '../internal/within.js';
import { closeReasonFor, HEARTH_ERROR_CLOSE_CODE, wsCloseError, wsSocketError } from './ws-close-error.js';

/** What {@link WsConnection} needs from the side (client or server) that made it. */
export interface WsConnectionInit {
  /** An open WebSocket with binaryType `nodebuffer` (the ws default). */
  readonly socket: WebSocket;
  readonly remoteAddress: string;
  readonly peerIdentity: string | undefined;
  readonly maxFrameBytes: number;
  readonly heartbeatIntervalMs: number;
  readonly closeTimeoutMs: number;
}

const EMPTY = new Uint8Array(0);

/**
 * One WebSocket seen as a {@link Connection}: every frame is one binary message (sent as fragments, one
 * per part, so parts are never concatenated), text messages are protocol violations, and each side pings
 * the other and terminates a peer that missed a pong.
 */
export class WsConnection implements Connection {
  readonly driver = 'ws';
  readonly peerIdentity: string | undefined;
  readonly remoteAddress: string;
  readonly maxFrameBytes: number;
  readonly #init: WsConnectionInit;
  readonly #core: ConnectionCore;
  readonly #pendingSends = new Set<(error: HearthError) => void>();
  readonly #heartbeat: NodeJS.Timeout;
  readonly #socketClosed: Promise<void>;
  #pongSeen = true;
  #socketError: HearthError | undefined;
  #teardown: Promise<void> | undefined;

  constructor(init: WsConnectionInit) {
    this.#init = init;
    this.peerIdentity = init.peerIdentity;
    this.remoteAddress = init.remoteAddress;
    this.maxFrameBytes = init.maxFrameBytes;
    const { socket } = init;
    this.#core = new ConnectionCore({
      driver: this.driver,
      remoteAddress: init.remoteAddress,
      maxFrameBytes: init.maxFrameBytes,
      pause: () => socket.pause(),
      resume: () => socket.resume(),
    });
    this.#socketClosed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) {
        this.#core.inbox.push(data);
        return;
      }
      this.#finish({
        by: 'local',
        error: commError(CommErrorCode.PROTOCOL_VIOLATION, `ws: peer ${init.remoteAddress} sent a text message; frames are binary`, {
          context: { driver: this.driver, remoteAddress: init.remoteAddress },
        }),
      });
    });
    socket.on('pong', () => {
      this.#pongSeen = true;
    });
    socket.on('error', (error: Error) => {
      this.#socketError ??= wsSocketError(error, init.remoteAddress);
    });
    socket.on('close', (code: number, reason: Buffer) => {
      const error = this.#socketError;
      if (error !== undefined && error.code !== CommErrorCode.CONNECTION_CLOSED) {
        this.#finish({ by: 'local', error });
        return;
      }
      this.#finish({ by: 'remote', error: wsCloseError({ code, reason: reason.toString('utf8'), address: init.remoteAddress }) ?? error });
    });
    this.#heartbeat = setInterval(() => this.#beat(), init.heartbeatIntervalMs);
    this.#heartbeat.unref();
  }

  get closed(): Promise<CloseReason> {
    return this.#core.closed;
  }

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    return this.#core.inbox[Symbol.asyncIterator]();
  }

  async send(frame: FrameInput): Promise<void> {
    const { parts } = this.#core.outgoing(frame);
    const fragments = parts.filter((part) => part.byteLength > 0);
    if (fragments.length === 0) fragments.push(EMPTY);
    await new Promise<void>((resolve, reject) => {
      const fail = (error: HearthError): void => {
        this.#pendingSends.delete(fail);
        reject(error);
      };
      this.#pendingSends.add(fail);
      const last = fragments.length - 1;
      fragments.forEach((fragment, index) => {
        const done =
          index < last
            ? undefined
            : (error?: Error): void => {
                if (!this.#pendingSends.delete(fail)) return;
                if (error === undefined || error === null) resolve();
                else reject(this.#core.ended ? this.#core.closedError() : wsSocketError(error, this.remoteAddress));
              };
        this.#init.socket.send(fragment, { binary: true, fin: index === last, compress: false }, done);
      });
    });
  }

  async close(error?: HearthError): Promise<void> {
    this.#finish({ by: 'local', error });
    await this.#teardown;
  }

  #beat(): void {
    if (!this.#pongSeen) {
      this.#finish({
        by: 'local',
        error: commError(
          CommErrorCode.HEARTBEAT_TIMEOUT,
          `ws: peer ${this.remoteAddress} did not answer a ping within ${this.#init.heartbeatIntervalMs} ms; connection terminated`,
          { context: { driver: this.driver, remoteAddress: this.remoteAddress, heartbeatIntervalMs: this.#init.heartbeatIntervalMs } },
        ),
      });
      return;
    }
    this.#pongSeen = false;
    this.#init.socket.ping();
  }

  #finish(reason: CloseReason): void {
    if (!this.#core.finish(reason)) return;
    clearInterval(this.#heartbeat);
    const closedError = this.#core.closedError();
    for (const fail of [...this.#pendingSends]) fail(closedError);
    this.#teardown = this.#shutdown(reason);
  }

  async #shutdown(reason: CloseReason): Promise<void> {
    const { socket } = this.#init;
    if (reason.error?.code === CommErrorCode.HEARTBEAT_TIMEOUT) socket.terminate();
    else if (reason.by === 'local' && reason.error !== undefined) socket.close(HEARTH_ERROR_CLOSE_CODE, closeReasonFor(reason.error));
    else socket.close(1000);
    if (!(await within(this.#socketClosed, this.#init.closeTimeoutMs))) socket.terminate();
    await this.#socketClosed;
  }
}
