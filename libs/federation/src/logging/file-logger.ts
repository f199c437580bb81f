import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { Writable } from 'node:stream';
import { createLogger } from '@hearth/core';
import type { Logger } from '@hearth/core';

/** Options for {@link openFileLogger}. */
export interface FileLoggerOptions {
  /** The log file; its folder is created, and lines are appended. */
  readonly path: string;
  /** Service name, bound as `svc` (`server`, `client`, `server-job`, `client-job`). */
  readonly name: string;
  /** Minimum level. @default 'info' */
  readonly level?: string;
  /** Bindings on every line, such as site and jobId. @default {} */
  readonly bindings?: Readonly<Record<string, unknown>>;
}

/** A logger writing JSON lines to a file, and the function that closes the file. */
export interface FileLogger {
  readonly logger: Logger;
  /** Closes the file; later lines are dropped. Idempotent. */
  close(): void;
}

/**
 * Opens a pino logger that appends JSON lines to a file, one synchronous write per line: the lines a
 * process wrote before it crashed or was killed are all on disk, and there is nothing to flush at exit.
 */
export function openFileLogger(options: FileLoggerOptions): FileLogger {
  mkdirSync(dirname(options.path), { recursive: true });
  let fd: number | undefined = openSync(options.path, 'a', 0o640);
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      if (fd !== undefined) writeSync(fd, chunk);
      callback();
    },
  });
  const logger = createLogger({ name: options.name, level: options.level ?? 'info', destination }).child({ ...options.bindings });
  return {
    logger,
    close: () => {
      if (fd === undefined) return;
      closeSync(fd);
      fd = undefined;
    },
  };
}
