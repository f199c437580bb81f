import { Writable } from 'node:stream';
import { createLogger } from '@hearth/core';
import type { Logger } from '@hearth/core';

/** A pino logger whose JSON lines land in `lines`, for specs that check what was logged. */
export function capturingLogger(): { readonly logger: Logger; readonly lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line.trim() !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger({ name: 'spec', level: 'debug', destination }), lines };
}
