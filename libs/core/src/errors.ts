/**
 * Stable error codes for @hearth/core. Callers compare `err.code`, never messages or `instanceof`
 * (Jest realms and duplicate package copies break `instanceof`).
 */
export const CoreErrorCode = {
  INVALID_ARGUMENT: 'HEARTH_ERR_INVALID_ARGUMENT',
  INVALID_TENSOR: 'HEARTH_ERR_INVALID_TENSOR',
  INVALID_DXO: 'HEARTH_ERR_INVALID_DXO',
  INVALID_SHAREABLE: 'HEARTH_ERR_INVALID_SHAREABLE',
  COMPONENT_NOT_FOUND: 'HEARTH_ERR_COMPONENT_NOT_FOUND',
  ABORTED: 'HEARTH_ERR_ABORTED',
  TIMEOUT: 'HEARTH_ERR_TIMEOUT',
} as const;

/** Union of every error code defined by @hearth/core. */
export type CoreErrorCodeValue = (typeof CoreErrorCode)[keyof typeof CoreErrorCode];

/** Options for {@link HearthError}. */
export interface HearthErrorOptions {
  /** Extra fields that say what was wrong (file, path, peer, ...). Logged with the error. */
  readonly context?: Readonly<Record<string, unknown>>;
  /** The underlying error, if this one wraps another. */
  readonly cause?: unknown;
}

/**
 * Base class of every error Hearth throws. Each lib defines its own code table (`errors.ts`) and throws
 * `HearthError` (or a subclass) with one of those codes.
 */
export class HearthError extends Error {
  /** Stable, greppable code such as `HEARTH_ERR_JOB_INVALID`. */
  readonly code: string;
  /** Typed context fields that say what was wrong. */
  readonly context: Readonly<Record<string, unknown>>;

  constructor(code: string, message: string, options: HearthErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'HearthError';
    this.code = code;
    this.context = options.context ?? {};
    Object.setPrototypeOf(this, new.target.prototype);
  }
}

/** True when `err` is a Hearth error, optionally with the given code. Works across package copies. */
export function isHearthError(err: unknown, code?: string): err is HearthError {
  if (typeof err !== 'object' || err === null) return false;
  const candidate = err as { name?: unknown; code?: unknown };
  if (candidate.name !== 'HearthError' || typeof candidate.code !== 'string') return false;
  return code === undefined || candidate.code === code;
}

/** Turns anything thrown into an Error, keeping Errors as they are. */
export function toError(thrown: unknown): Error {
  if (thrown instanceof Error) return thrown;
  return new Error(typeof thrown === 'string' ? thrown : JSON.stringify(thrown));
}
