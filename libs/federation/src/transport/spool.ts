import { constants } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { FileSink } from '@hearth/comm';
import { loadShareableFile, openShareableFile } from '@hearth/codec';
import type { Logger, Shareable } from '@hearth/core';
import { toError } from '@hearth/core';
import { FederationErrorCode, federationError } from '../errors.js';

/** The folder, inside a job process's workspace, that its spool uses. */
export const SPOOL_FOLDER = '.spool';

/** Where a job's large payloads go, and from what size. */
export interface SpoolOptions {
  /** Folder for the files; created when first needed, removed by {@link Spool.close}. */
  readonly dir: string;
  /** Payloads larger than this many bytes are written to a file instead of memory. */
  readonly aboveBytes: number;
}

/**
 * Large payloads (tasks and results of models too big to hold twice) on disk instead of in memory: a transfer
 * above the threshold streams into a file chunk by chunk (memory stays at the transfer window), and the
 * Shareable read back from it leaves its tensors in the file (`Dxo.paramSource`), to be loaded on first use or
 * folded into an aggregate a slice at a time. A file is deleted once nothing can read it any more (its sources
 * were garbage-collected), or when the spool closes at the end of the job.
 */
export class Spool {
  readonly #options: SpoolOptions;
  readonly #logger: Logger;
  readonly #cleanup = new FinalizationRegistry<{ path: string; pending: number }>((file) => {
    file.pending -= 1;
    if (file.pending === 0) this.#remove(file.path);
  });
  #created = false;

  constructor(options: SpoolOptions, logger: Logger) {
    const { aboveBytes } = options;
    if (!Number.isSafeInteger(aboveBytes) || aboveBytes < 0 || aboveBytes > constants.MAX_LENGTH) {
      // Payloads up to the threshold are held in one buffer, which cannot exceed buffer.constants.MAX_LENGTH.
      throw federationError(FederationErrorCode.INVALID_OPTIONS, `spool aboveBytes must be an integer from 0 to ${constants.MAX_LENGTH}, got ${String(aboveBytes)}`, {
        context: { aboveBytes },
      });
    }
    this.#options = options;
    this.#logger = logger;
  }

  /** True when a payload of `byteLength` bytes goes to disk. */
  wants(byteLength: number): boolean {
    return byteLength > this.#options.aboveBytes;
  }

  /** A sink writing one payload to a fresh file named after `label` (a site or task, for people reading the folder). */
  sink(label: string, byteLength: number, maxBytes: number): FileSink {
    if (!this.#created) {
      mkdirSync(this.#options.dir, { recursive: true });
      this.#created = true;
    }
    const path = join(this.#options.dir, `${label.replace(/[^A-Za-z0-9._-]/g, '_')}-${randomUUID()}.hrth`);
    return new FileSink({ path, byteLength, maxBytes });
  }

  /**
   * Reads the Shareable in a completed file. With `load`, its tensors are read into memory in one pass over the
   * file (without blocking the event loop) and the file is removed at once; otherwise they stay in the file,
   * which is removed once its tensor sources are unreachable (at once when it has none). Rejects with the
   * codec's error for a bad file, which is removed.
   */
  async open(path: string, options: { readonly maxBytes: number; readonly load: boolean }): Promise<Shareable> {
    try {
      if (options.load) {
        const shareable = await loadShareableFile(path, { maxBytes: options.maxBytes });
        this.#remove(path);
        return shareable;
      }
      const opened = await openShareableFile(path, { maxBytes: options.maxBytes });
      if (opened.sources.length === 0) {
        this.#remove(path);
        return opened.shareable;
      }
      const file = { path, pending: opened.sources.length };
      for (const source of opened.sources) this.#cleanup.register(source, file);
      return opened.shareable;
    } catch (err) {
      this.#remove(path);
      throw err;
    }
  }

  /** Removes the folder and every file still in it. */
  close(): void {
    if (this.#created) rmSync(this.#options.dir, { recursive: true, force: true });
  }

  #remove(path: string): void {
    try {
      rmSync(path, { force: true });
    } catch (err) {
      this.#logger.warn({ err: toError(err), path }, 'could not remove a spooled payload');
    }
  }
}
