import { Type } from 'typebox';
import type { TNumber, TString } from 'typebox';

/** Longest duration a timer can wait, in seconds: Node fires longer timers after 1 ms. */
export const MAX_DURATION_SECONDS = 2_147_483;

/** A duration arg in seconds (NVFlare's unit), from 0 to {@link MAX_DURATION_SECONDS}, with its default. */
export function seconds(description: string, fallback: number): TNumber {
  return Type.Number({ minimum: 0, maximum: MAX_DURATION_SECONDS, default: fallback, description });
}

/** A component-id arg with its default. */
export function id(description: string, fallback: string): TString {
  return Type.String({ minLength: 1, default: fallback, description });
}

/** Seconds from a job config to the milliseconds workflows take. */
export function toMs(s: number): number {
  return Math.round(s * 1000);
}
