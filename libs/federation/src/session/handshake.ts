import type { Connection } from '@hearth/comm';
import { Type } from 'typebox';
import type { Static } from 'typebox';
import { FederationErrorCode, federationError } from '../errors.js';
import type { FederationErrorCodeValue } from '../errors.js';
import { checkValue, jsonBytes, parseJsonBytes } from '../internal/check-value.js';

/** Largest handshake frame either side accepts, in bytes. */
export const HANDSHAKE_MAX_BYTES = 16 * 1024;

/** Site names as job deploy maps write them. */
export const SITE_NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]*$';

/**
 * The first frame a connecting side sends, before any messenger frame: who it says it is, its secret, and
 * the id of its session (random per process, kept across reconnects, so the server tells a reconnect from
 * a restart).
 */
export const HelloSchema = Type.Object(
  {
    hearth: Type.Literal('hello'),
    version: Type.Literal(1),
    site: Type.String({ minLength: 1, maxLength: 128, pattern: SITE_NAME_PATTERN }),
    token: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
    session: Type.String({ minLength: 8, maxLength: 128, pattern: '^[A-Za-z0-9_-]+$' }),
  },
  { additionalProperties: false },
);

/** See {@link HelloSchema}. */
export type Hello = Static<typeof HelloSchema>;

/** The listening side's answer: welcome (with the heartbeat interval to keep) or refused (then it closes). */
export const HelloAnswerSchema = Type.Union([
  Type.Object(
    {
      hearth: Type.Literal('welcome'),
      version: Type.Literal(1),
      resumed: Type.Boolean(),
      heartbeatIntervalMs: Type.Integer({ minimum: 1 }),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    { hearth: Type.Literal('refused'), code: Type.String({ maxLength: 128 }), message: Type.String({ maxLength: 4096 }) },
    { additionalProperties: false },
  ),
]);

/** See {@link HelloAnswerSchema}. */
export type HelloAnswer = Static<typeof HelloAnswerSchema>;

/** The first frame of a connection and the iterator that yields the rest. */
export interface FirstFrame {
  readonly frame: Uint8Array;
  readonly rest: AsyncIterator<Uint8Array>;
}

const KNOWN_CODES: ReadonlySet<string> = new Set(Object.values(FederationErrorCode));

/** Reads the first frame of `connection`, failing with HANDSHAKE_FAILED when none comes within `timeoutMs`. */
export async function readFirstFrame(connection: Connection, timeoutMs: number): Promise<FirstFrame> {
  const rest = connection[Symbol.asyncIterator]();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(federationError(FederationErrorCode.HANDSHAKE_FAILED, `no handshake from ${connection.remoteAddress} within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    const first = await Promise.race([rest.next(), timeout]);
    if (first.done === true) {
      throw federationError(FederationErrorCode.HANDSHAKE_FAILED, `${connection.remoteAddress} closed the connection during the handshake`);
    }
    if (first.value.byteLength > HANDSHAKE_MAX_BYTES) {
      throw federationError(FederationErrorCode.HANDSHAKE_FAILED, `handshake frame of ${first.value.byteLength} bytes from ${connection.remoteAddress} is over ${HANDSHAKE_MAX_BYTES}`);
    }
    return { frame: first.value, rest };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `connection` as seen after the handshake: frames continue from `rest`, and `peerIdentity` is the identity
 * the handshake established (the authenticated site on a server), so messengers bind to it.
 */
export function continuedConnection(connection: Connection, options: { readonly rest: AsyncIterator<Uint8Array>; readonly peerIdentity: string | undefined }): Connection {
  return {
    driver: connection.driver,
    peerIdentity: options.peerIdentity,
    remoteAddress: connection.remoteAddress,
    maxFrameBytes: connection.maxFrameBytes,
    closed: connection.closed,
    send: (frame) => connection.send(frame),
    close: (error) => connection.close(error),
    [Symbol.asyncIterator]: () => options.rest,
  };
}

/** Parses and checks a hello frame from an untrusted peer. */
export function decodeHello(frame: Uint8Array, remoteAddress: string): Hello {
  const what = `handshake from ${remoteAddress}`;
  const value = parseJsonBytes(frame, { what, code: FederationErrorCode.HANDSHAKE_FAILED });
  return checkValue({ schema: HelloSchema, value, what, code: FederationErrorCode.HANDSHAKE_FAILED });
}

/** Sends the listening side's answer. */
export function sendAnswer(connection: Connection, answer: HelloAnswer): Promise<void> {
  return connection.send(jsonBytes(answer));
}

/**
 * Dialling side: sends `hello`, waits for the answer and returns the welcome with the iterator of the frames
 * that follow. A refusal throws its code (AUTH_FAILED for a wrong site or token) and closes the connection.
 */
export async function sayHello(connection: Connection, options: { readonly hello: Hello; readonly timeoutMs: number }): Promise<{ readonly heartbeatIntervalMs: number; readonly resumed: boolean; readonly rest: AsyncIterator<Uint8Array> }> {
  try {
    await connection.send(jsonBytes(options.hello));
    const { frame, rest } = await readFirstFrame(connection, options.timeoutMs);
    const what = `handshake answer from ${connection.remoteAddress}`;
    const answer = checkValue({
      schema: HelloAnswerSchema,
      value: parseJsonBytes(frame, { what, code: FederationErrorCode.HANDSHAKE_FAILED }),
      what,
      code: FederationErrorCode.HANDSHAKE_FAILED,
    });
    if (answer.hearth === 'refused') {
      const code = (KNOWN_CODES.has(answer.code) ? answer.code : FederationErrorCode.HANDSHAKE_FAILED) as FederationErrorCodeValue;
      throw federationError(code, `${connection.remoteAddress} refused ${options.hello.site}: ${answer.message}`, { context: { remoteCode: answer.code } });
    }
    return { heartbeatIntervalMs: answer.heartbeatIntervalMs, resumed: answer.resumed, rest };
  } catch (err) {
    await connection.close();
    throw err;
  }
}
