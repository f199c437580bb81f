import { schemaProblem } from '@hearth/core';
import { Type } from 'typebox';
import type { Static } from 'typebox';
import { EngineErrorCode, engineError } from './errors.js';

/** Longest analytics key accepted, in characters. */
export const MAX_ANALYTICS_KEY_LENGTH = 256;

/** Most points one {@link AnalyticsMessage} may carry; larger messages are refused when decoded. */
export const MAX_ANALYTICS_POINTS_PER_MESSAGE = 100_000;

/** One streamed point as it travels: the executor's key, value and step, plus the round and the time it was taken. */
export const AnalyticsRecordSchema = Type.Object(
  {
    key: Type.String({ minLength: 1, maxLength: MAX_ANALYTICS_KEY_LENGTH }),
    value: Type.Number(),
    step: Type.Integer({ minimum: 0 }),
    /** The task's round, or null when its workflow has no rounds. */
    round: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
    /** When the client took the point, in milliseconds since the Unix epoch. */
    time: Type.Number({ minimum: 0 }),
  },
  { additionalProperties: false },
);

/** See {@link AnalyticsRecordSchema}. */
export type AnalyticsRecord = Static<typeof AnalyticsRecordSchema>;

/**
 * A batch of streamed points from one client to the server. `dropped` counts the points the client lost
 * since its previous message (buffer full, or a send that failed), so the server knows a stream has gaps.
 */
export const AnalyticsMessageSchema = Type.Object(
  {
    points: Type.Array(AnalyticsRecordSchema, { maxItems: MAX_ANALYTICS_POINTS_PER_MESSAGE }),
    dropped: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);

/** See {@link AnalyticsMessageSchema}. */
export type AnalyticsMessage = Static<typeof AnalyticsMessageSchema>;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** An analytics message as bytes (UTF-8 JSON), the form every transport carries. */
export function encodeAnalyticsMessage(message: AnalyticsMessage): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(message));
}

/**
 * Decodes and checks bytes from a peer; throws HEARTH_ERR_ENGINE_INVALID_ANALYTICS naming what is wrong
 * (not UTF-8, not JSON, or the JSON path of the first field that breaks {@link AnalyticsMessageSchema}).
 */
export function decodeAnalyticsMessage(bytes: Uint8Array): AnalyticsMessage {
  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(bytes));
  } catch (err) {
    throw engineError(EngineErrorCode.INVALID_ANALYTICS, `analytics message is not UTF-8 JSON: ${(err as Error).message}`);
  }
  const problem = schemaProblem(AnalyticsMessageSchema, value);
  if (problem !== undefined) throw engineError(EngineErrorCode.INVALID_ANALYTICS, `analytics message ${problem}`, { problem });
  return value as AnalyticsMessage;
}
