/** An error's code and message as they travel in a frame to the peer. */
export interface ErrorDescription {
  readonly code: string;
  readonly message: string;
}

/**
 * The code and message of anything thrown, by shape (Errors from other realms or package copies are
 * not `instanceof Error`). A missing or odd-looking code becomes `fallbackCode`.
 */
export function describeError(error: unknown, fallbackCode: string): ErrorDescription {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return {
    code: typeof code === 'string' && /^[A-Za-z0-9_.-]{1,128}$/.test(code) ? code : fallbackCode,
    message: typeof message === 'string' ? message : String(error),
  };
}
