import type { HearthError } from '@hearth/core';
import type { CloseReason, FrameInput } from '../driver.js';
import { commError, CommErrorCode } from '../errors.js';
import { FrameInbox } from './frame-inbox.js';
import { frameParts } from './frame-parts.js';
import type { FrameParts } from './frame-parts.js';

/** Unread frames at which a connection stops reading from its transport. */
const HIGH_WATER_FRAMES = 16;

/** Options for {@link ConnectionCore}. */
export interface ConnectionCoreOptions {
  readonly driver: string;
  readonly remoteAddress: string;
  readonly maxFrameBytes: number;
  /** Stop reading from the transport. */
  readonly pause: () => void;
  /** Read from the transport again. */
  readonly resume: () => void;
}

/**
 * What every driver's connection shares: the inbox of received frames, the `closed` promise that settles
 * once, and the checks on outgoing and incoming frame sizes. Drivers compose it and add their transport.
 */
export class ConnectionCore {
  readonly inbox: FrameInbox;
  readonly closed: Promise<CloseReason>;
  readonly #options: ConnectionCoreOptions;
  #resolveClosed: (reason: CloseReason) => void = () => undefined;
  #reason: CloseReason | undefined;

  constructor(options: ConnectionCoreOptions) {
    this.#options = options;
    this.inbox = new FrameInbox({ highWaterFrames: HIGH_WATER_FRAMES, pause: options.pause, resume: options.resume });
    this.closed = new Promise<CloseReason>((resolve) => {
      this.#resolveClosed = resolve;
    });
  }

  /** True once the connection has ended. */
  get ended(): boolean {
    return this.#reason !== undefined;
  }

  /** The error a send gets once the connection has ended. */
  closedError(): HearthError {
    const cause = this.#reason?.error;
    const why = cause === undefined ? '' : `: ${cause.message}`;
    return commError(CommErrorCode.CONNECTION_CLOSED, `${this.#options.driver} connection to ${this.#options.remoteAddress} is closed${why}`, {
      context: { driver: this.#options.driver, remoteAddress: this.#options.remoteAddress, by: this.#reason?.by },
      cause,
    });
  }

  /** Checks a frame before it is sent: the connection is open and the frame fits. Throws otherwise. */
  outgoing(frame: FrameInput): FrameParts {
    if (this.ended) throw this.closedError();
    const parts = frameParts(frame);
    if (parts.byteLength > this.#options.maxFrameBytes) {
      throw commError(
        CommErrorCode.FRAME_TOO_LARGE,
        `frame of ${parts.byteLength} bytes exceeds maxFrameBytes ${this.#options.maxFrameBytes} of the ${this.#options.driver} connection`,
        { context: { driver: this.#options.driver, byteLength: parts.byteLength, maxFrameBytes: this.#options.maxFrameBytes } },
      );
    }
    return parts;
  }

  /** Error for a received frame over the limit (transports that cannot refuse it themselves). */
  oversizedIncoming(byteLength: number): HearthError {
    return commError(
      CommErrorCode.FRAME_TOO_LARGE,
      `peer ${this.#options.remoteAddress} sent a frame of ${byteLength} bytes, over maxFrameBytes ${this.#options.maxFrameBytes}`,
      { context: { driver: this.#options.driver, byteLength, maxFrameBytes: this.#options.maxFrameBytes } },
    );
  }

  /** Records the end of the connection; the first call wins and returns true, later ones return false. */
  finish(reason: CloseReason): boolean {
    if (this.#reason !== undefined) return false;
    this.#reason = reason;
    this.inbox.end();
    this.#resolveClosed(reason);
    return true;
  }
}
