/** Options for {@link FrameInbox}. */
export interface FrameInboxOptions {
  /** Unread frames at which the inbox asks the transport to stop reading. */
  readonly highWaterFrames: number;
  /** Stop reading from the transport (called once per crossing of the high-water mark). */
  readonly pause: () => void;
  /** Start reading again (called once the reader has brought the queue down to half the mark). */
  readonly resume: () => void;
}

/**
 * The queue between a transport and the one reader of a connection. It pauses the transport while unread
 * frames pile up, so a slow reader pushes back on the peer instead of growing memory.
 */
export class FrameInbox implements AsyncIterable<Uint8Array> {
  readonly #options: FrameInboxOptions;
  readonly #frames: Uint8Array[] = [];
  #head = 0;
  #ended = false;
  #paused = false;
  #reading = false;
  #wake: (() => void) | undefined;

  constructor(options: FrameInboxOptions) {
    this.#options = options;
  }

  /** Frames received and not read yet. */
  get size(): number {
    return this.#frames.length - this.#head;
  }

  /** Queues a frame from the transport; ignored after {@link end}. */
  push(frame: Uint8Array): void {
    if (this.#ended) return;
    this.#frames.push(frame);
    if (!this.#paused && this.size >= this.#options.highWaterFrames) {
      this.#paused = true;
      this.#options.pause();
    }
    this.#notify();
  }

  /** No more frames will come; the reader gets the ones already queued, then its loop ends. */
  end(): void {
    this.#ended = true;
    this.#notify();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    if (this.#reading) throw new Error('a connection has one reader; it is already being iterated');
    this.#reading = true;
    for (;;) {
      const frame = this.#take();
      if (frame !== undefined) {
        yield frame;
        continue;
      }
      if (this.#ended) return;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
  }

  #take(): Uint8Array | undefined {
    if (this.#head === this.#frames.length) return undefined;
    const frame = this.#frames[this.#head];
    this.#frames[this.#head] = EMPTY;
    this.#head += 1;
    if (this.#head === this.#frames.length) {
      this.#frames.length = 0;
      this.#head = 0;
    }
    if (this.#paused && !this.#ended && this.size <= this.#options.highWaterFrames >> 1) {
      this.#paused = false;
      this.#options.resume();
    }
    return frame;
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}

const EMPTY = new Uint8Array(0);
