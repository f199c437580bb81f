import { constants } from 'node:buffer';
import { BufferSink } from '@hearth/comm';
import type { FileSink, IncomingStream } from '@hearth/comm';
import { decodeShareable } from '@hearth/codec';
import type { Shareable } from '@hearth/core';
import { FederationErrorCode } from '../errors.js';
import { checkValue, parseJsonBytes } from '../internal/check-value.js';
import { TaskMetaSchema } from './job-topic.js';
import type { TaskMeta } from './job-topic.js';
import type { Spool } from './spool.js';

/** Default largest payload when large ones are spooled to disk. */
const SPOOLED_PAYLOAD_LIMIT = 64 * 1024 ** 3;

/** The largest task or result a transport accepts: `configured`, else one buffer's worth in memory or 64 GiB with a spool. */
export function payloadLimit(configured: number | undefined, spool: Spool | undefined): number {
  return configured ?? (spool === undefined ? constants.MAX_LENGTH : SPOOLED_PAYLOAD_LIMIT);
}

/** What {@link taskPayloadSink} needs to receive one task or result stream. */
export interface TaskPayloadInput {
  readonly incoming: IncomingStream;
  /** Names the stream's meta in errors (`task stream meta`, `result stream meta from site-1`). */
  readonly what: string;
  /** Where payloads above its threshold go; undefined holds every payload in memory. */
  readonly spool: Spool | undefined;
  /** Names a spooled file after the stream (a site and task, for people reading the folder). */
  readonly label: (meta: TaskMeta) => string;
  readonly maxPayloadBytes: number;
  /** Read a spooled payload's tensors into memory at once (a task for an executor), or leave them in the file (a result to aggregate). */
  readonly loadSpooled: boolean;
  /** Gets the stream's meta and, once the transfer completed, how to decode the payload. */
  readonly receive: (meta: TaskMeta, decode: () => Promise<Shareable>) => void;
}

/**
 * The sink for one task or result stream, checked meta first: a {@link Spool} file when the payload is above the
 * spool's threshold, else one buffer in memory (never more than buffer.constants.MAX_LENGTH; a larger payload
 * without a spool is refused before anything is allocated).
 */
export function taskPayloadSink(input: TaskPayloadInput): BufferSink | FileSink {
  const { incoming, what, spool, maxPayloadBytes } = input;
  const meta = checkValue({
    schema: TaskMetaSchema,
    value: parseJsonBytes(incoming.meta, { what, code: FederationErrorCode.INVALID_MESSAGE }),
    what,
    code: FederationErrorCode.INVALID_MESSAGE,
  });
  if (spool?.wants(incoming.totalBytes) === true) {
    const sink = spool.sink(input.label(meta), incoming.totalBytes, maxPayloadBytes);
    void sink.result.then(
      (path) => input.receive(meta, () => spool.open(path, { maxBytes: maxPayloadBytes, load: input.loadSpooled })),
      () => undefined,
    );
    return sink;
  }
  const sink = new BufferSink({ byteLength: incoming.totalBytes, maxBytes: Math.min(maxPayloadBytes, constants.MAX_LENGTH) });
  void sink.result.then(
    // Within buffer.constants.MAX_LENGTH, the payload lands in one buffer.
    ([bytes]) => input.receive(meta, async () => decodeShareable(bytes ?? new Uint8Array(), { maxBytes: maxPayloadBytes })),
    () => undefined,
  );
  return sink;
}
