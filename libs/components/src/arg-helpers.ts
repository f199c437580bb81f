import { Type } from 'typebox';
import type { TNumber, TString } from 'typebox';

/** A duration arg in seconds (NVFlare's unit), >= 0, with its default. */
export function seconds(description: string, fallback: number): TNumber {
  return Type.Number({ minimum: 0, default: fallback, description });
}

/** A component-id arg with its default. */
export function id(description: string, fallback: string): TString {
  return Type.String({ minLength: 1, default: fallback, description });
}

/** Seconds from a job config to the milliseconds workflows take. */
export function toMs(s: number): number {
  return Math.round(s * 1000);
}
