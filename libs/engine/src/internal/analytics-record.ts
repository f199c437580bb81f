import { ContextKey } from '@hearth/core';
import type { AnalyticsPoint, FLContext } from '@hearth/core';
import { MAX_ANALYTICS_KEY_LENGTH } from '../analytics-message.js';
import type { AnalyticsRecord } from '../analytics-message.js';
import { EngineErrorCode, engineError } from '../errors.js';

/** What {@link analyticsRecord} turns into a record. */
export interface AnalyticsRecordInput {
  /** What the component passed; checked here, since components are user code. */
  readonly point: AnalyticsPoint;
  /** The component's context; its round tags the point. */
  readonly ctx: FLContext;
  /** Milliseconds since the Unix epoch. */
  readonly time: number;
}

function invalid(message: string, context: Readonly<Record<string, unknown>>): never {
  throw engineError(EngineErrorCode.INVALID_ANALYTICS, message, context);
}

/**
 * Checks an executor's point and tags it with the context's round (null when there is none) and the time.
 * Throws HEARTH_ERR_ENGINE_INVALID_ANALYTICS naming the field that is wrong.
 */
export function analyticsRecord(input: AnalyticsRecordInput): AnalyticsRecord {
  const { point } = input;
  if (typeof point !== 'object' || point === null) invalid(`analytics point must be an object { key, value, step }, got ${String(point)}`, {});
  const { key, value, step } = point;
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_ANALYTICS_KEY_LENGTH) {
    invalid(`analytics point key must be a non-empty string of at most ${MAX_ANALYTICS_KEY_LENGTH} characters, got ${JSON.stringify(key)}`, { key });
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    invalid(`analytics point "${key}": value must be a finite number, got ${String(value)}`, { key, value });
  }
  if (typeof step !== 'number' || !Number.isSafeInteger(step) || step < 0) {
    invalid(`analytics point "${key}": step must be a whole number >= 0, got ${String(step)}`, { key, step });
  }
  const round = input.ctx.get<unknown>(ContextKey.CURRENT_ROUND);
  return { key, value, step, round: typeof round === 'number' && Number.isSafeInteger(round) && round >= 0 ? round : null, time: input.time };
}
