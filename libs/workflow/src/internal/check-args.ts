import { WorkflowErrorCode, workflowError } from '../errors.js';

/** Which argument of which workflow is checked, for messages. */
export interface ArgSpec {
  readonly workflow: string;
  readonly name: string;
}

/** An integer argument >= `min`. */
export function intArg(value: unknown, spec: ArgSpec & { readonly min: number }): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < spec.min) {
    throw workflowError(WorkflowErrorCode.INVALID_ARGS, `${spec.workflow}: ${spec.name} must be an integer >= ${spec.min}, got ${JSON.stringify(value)}`, {
      [spec.name]: value,
    });
  }
  return value;
}

/** Longest timer Node honours, in milliseconds; longer ones fire after 1 ms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** A duration in milliseconds (finite, from 0 to about 24.8 days, the longest timer Node can wait). */
export function durationArg(value: unknown, spec: ArgSpec): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > MAX_TIMER_MS) {
    throw workflowError(WorkflowErrorCode.INVALID_ARGS, `${spec.workflow}: ${spec.name} must be a number of milliseconds from 0 to ${MAX_TIMER_MS}, got ${JSON.stringify(value)}`, {
      [spec.name]: value,
    });
  }
  return value;
}

/** A non-empty string argument (task names, component ids). */
export function nameArg(value: unknown, spec: ArgSpec): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw workflowError(WorkflowErrorCode.INVALID_ARGS, `${spec.workflow}: ${spec.name} must be a non-empty string, got ${JSON.stringify(value)}`, {
      [spec.name]: value,
    });
  }
  return value;
}

/** A boolean argument. */
export function boolArg(value: unknown, spec: ArgSpec): boolean {
  if (typeof value !== 'boolean') {
    throw workflowError(WorkflowErrorCode.INVALID_ARGS, `${spec.workflow}: ${spec.name} must be true or false, got ${JSON.stringify(value)}`, { [spec.name]: value });
  }
  return value;
}

/** One of `allowed`. */
export function oneOfArg<T extends string>(value: unknown, spec: ArgSpec & { readonly allowed: readonly T[] }): T {
  if (typeof value !== 'string' || !(spec.allowed as readonly string[]).includes(value)) {
    const allowed = spec.allowed.map((a) => `'${a}'`).join(' or ');
    throw workflowError(WorkflowErrorCode.INVALID_ARGS, `${spec.workflow}: ${spec.name} must be ${allowed}, got ${JSON.stringify(value)}`, {
      [spec.name]: value,
    });
  }
  return value as T;
}

/** An optional non-empty string argument: undefined stays undefined. */
export function optionalNameArg(value: unknown, spec: ArgSpec): string | undefined {
  return value === undefined ? undefined : nameArg(value, spec);
}

/** A finite number > 0 (rates, factors). */
export function positiveArg(value: unknown, spec: ArgSpec): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw workflowError(WorkflowErrorCode.INVALID_ARGS, `${spec.workflow}: ${spec.name} must be a finite number > 0, got ${JSON.stringify(value)}`, {
      [spec.name]: value,
    });
  }
  return value;
}
