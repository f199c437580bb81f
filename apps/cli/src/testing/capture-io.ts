import { PassThrough } from 'node:stream';
import type { CliIo } from '../cli-io.js';

/** What a command wrote, for tests that run `main` in-process. */
export interface CapturedIo {
  readonly io: CliIo;
  /** Everything written to stdout so far. */
  out(): string;
  /** Everything written to stderr so far. */
  err(): string;
}

/** Streams that record what a command writes, in place of the process's stdout and stderr. */
export function captureIo(): CapturedIo {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (c: Buffer) => out.push(c.toString()));
  stderr.on('data', (c: Buffer) => err.push(c.toString()));
  return { io: { stdout, stderr }, out: () => out.join(''), err: () => err.join('') };
}
