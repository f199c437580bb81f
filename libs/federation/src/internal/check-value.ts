import { schemaProblem } from '@hearth/core';
import type { Static, TSchema } from 'typebox';
import { federationError } from '../errors.js';
import type { FederationErrorCodeValue } from '../errors.js';

/** Where a value came from, for the error message. */
export interface CheckValueOptions<S extends TSchema> {
  readonly schema: S;
  readonly value: unknown;
  /** What the value is, e.g. `server config /etc/hearth/server.json` or `message from site-1`. */
  readonly what: string;
  /** Code of the error thrown when it does not conform. */
  readonly code: FederationErrorCodeValue;
}

/** Returns `value` typed by its schema, or throws `code` naming `what` and the first JSON path that is wrong. */
export function checkValue<S extends TSchema>(options: CheckValueOptions<S>): Static<S> {
  const problem = schemaProblem(options.schema, options.value);
  if (problem !== undefined) {
    throw federationError(options.code, `${options.what}: ${problem}`, { context: { problem } });
  }
  return options.value as Static<S>;
}

/** Parses UTF-8 JSON bytes, throwing `code` naming `what` when they are not JSON. */
export function parseJsonBytes(bytes: Uint8Array, options: { readonly what: string; readonly code: FederationErrorCodeValue }): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as unknown;
  } catch (err) {
    throw federationError(options.code, `${options.what} is not UTF-8 JSON: ${(err as Error).message}`);
  }
}

/** UTF-8 JSON bytes of `value`. */
export function jsonBytes(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value));
}
