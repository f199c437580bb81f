import { HearthError } from '@hearth/core';
import type { HearthErrorOptions } from '@hearth/core';

/**
 * Stable error codes for @hearth/templates. Callers (the `hearth job create` command) compare `err.code` to
 * tell a usage mistake (an unknown template, an option out of range) from a failure to write the folder.
 */
export const TemplatesErrorCode = {
  /** A template name that is not one of `TEMPLATE_NAMES`; the message lists the choices. */
  UNKNOWN_TEMPLATE: 'HEARTH_ERR_TEMPLATE_UNKNOWN',
  /** A template option out of range, of the wrong type, or given to a template it does not apply to. */
  INVALID_OPTIONS: 'HEARTH_ERR_TEMPLATE_INVALID_OPTIONS',
} as const;

/** Union of every error code defined by @hearth/templates. */
export type TemplatesErrorCodeValue = (typeof TemplatesErrorCode)[keyof typeof TemplatesErrorCode];

/** Builds a templates error; `options.context` names the option or template that was wrong. */
export function templatesError(code: TemplatesErrorCodeValue, message: string, options: HearthErrorOptions = {}): HearthError {
  return new HearthError(code, message, options);
}
