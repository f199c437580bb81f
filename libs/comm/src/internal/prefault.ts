import { open, read } from 'node:fs';

/** Bytes faulted in per read of /dev/zero. */
const STEP_BYTES = 4 * 1024 * 1024;

/** How far ahead of the writer pages are faulted in, unless the options say otherwise. */
const DEFAULT_LEAD_BYTES = 64 * 1024 * 1024;

/** This process's descriptor of /dev/zero, opened on first use and kept; undefined where there is none. */
let zeroDevice: Promise<number | undefined> | undefined;

function openZeroDevice(): Promise<number | undefined> {
  zeroDevice ??= new Promise((resolve) => {
    open('/dev/zero', 'r', (error, fd) => resolve(error === null ? fd : undefined));
  });
  return zeroDevice;
}

/** Reads up to `length` zero bytes into `target` at `offset`, on a libuv threadpool thread; resolves with the count (0 on error). */
function readZeros(fd: number, target: Uint8Array, offset: number, length: number): Promise<number> {
  return new Promise((resolve) => {
    read(fd, target, offset, length, null, (error, bytesRead) => resolve(error === null ? bytesRead : 0));
  });
}

/** Options for {@link Prefault}. */
export interface PrefaultOptions {
  /** How far beyond the furthest byte the writer asked for pages are faulted in. @default 64 MiB */
  readonly leadBytes?: number;
}

/**
 * Faults in the pages of freshly allocated buffers on a libuv threadpool thread, front to back, ahead of a writer
 * filling them in the same order, so the writer's thread (the event loop) does not pay for fresh memory. The
 * first write into a page makes the kernel zero it (and, on a VM whose balloon hands free memory back to the
 * host, makes the host back it again): up to 57% of a client's event loop while it received a 1 GiB model on
 * the machines of docs/benchmarks/transport.md. Reading /dev/zero into the buffers has the kernel do that work
 * on the threadpool thread instead, on another core, while the event loop decrypts and checks the next chunks.
 *
 * The writer asks {@link ready} before it writes a byte range and waits when the range is not faulted in yet, so
 * zeros never land on bytes it wrote. Nothing is faulted in before the writer's first request, and never more
 * than `leadBytes` beyond its furthest one, so resident memory follows the data received: a peer that declares a
 * large payload and sends nothing costs no memory. Where /dev/zero cannot be read, or after {@link stop}, every
 * range is ready at once and the writer faults the pages in itself.
 */
export class Prefault {
  readonly #leadBytes: number;
  /** Bytes of the buffers, counted front to back, whose pages are in. */
  #faultedUpTo = 0;
  /** The furthest end the writer asked for; undefined before its first request. */
  #requested: number | undefined;
  #stopped = false;
  readonly #waiters: { readonly end: number; readonly resolve: () => void }[] = [];
  /** Wakes the faulting loop, paused at its lead, when the writer asks for more or stop is called. */
  #wake: (() => void) | undefined;

  constructor(buffers: readonly Uint8Array[], options: PrefaultOptions = {}) {
    this.#leadBytes = options.leadBytes ?? DEFAULT_LEAD_BYTES;
    void this.#run(buffers);
  }

  /** Bytes faulted in so far, counted front to back. */
  get faultedBytes(): number {
    return this.#faultedUpTo;
  }

  /** Undefined when bytes [0, `end`) are ready to write; else a promise that resolves once they are. */
  ready(end: number): Promise<void> | undefined {
    this.#requested = Math.max(this.#requested ?? 0, end);
    this.#wake?.();
    if (this.#stopped || end <= this.#faultedUpTo) return undefined;
    return new Promise((resolve) => this.#waiters.push({ end, resolve }));
  }

  /** Stops faulting in pages and releases every waiter; the writer faults in what is left. */
  stop(): void {
    this.#stopped = true;
    this.#wake?.();
    this.#release();
  }

  async #run(buffers: readonly Uint8Array[]): Promise<void> {
    const fd = await openZeroDevice();
    if (fd !== undefined) await this.#faultIn(fd, buffers);
    this.stop();
  }

  async #faultIn(fd: number, buffers: readonly Uint8Array[]): Promise<void> {
    for (const buffer of buffers) {
      for (let at = 0; at < buffer.byteLength; ) {
        const allowed = await this.#allowance();
        if (allowed === 0) return;
        const count = await readZeros(fd, buffer, at, Math.min(STEP_BYTES, buffer.byteLength - at, allowed));
        if (count <= 0) return;
        at += count;
        this.#faultedUpTo += count;
        this.#release();
      }
    }
  }

  /** How many more bytes may be faulted in now, once that is more than none; 0 once stopped. */
  async #allowance(): Promise<number> {
    for (;;) {
      if (this.#stopped) return 0;
      const allowed = this.#requested === undefined ? 0 : this.#requested + this.#leadBytes - this.#faultedUpTo;
      if (allowed > 0) return allowed;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
      this.#wake = undefined;
    }
  }

  #release(): void {
    const waiting = [];
    for (const waiter of this.#waiters.splice(0)) {
      if (this.#stopped || waiter.end <= this.#faultedUpTo) waiter.resolve();
      else waiting.push(waiter);
    }
    this.#waiters.push(...waiting);
  }
}
