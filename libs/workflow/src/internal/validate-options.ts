import { WorkflowErrorCode, workflowError } from '../errors.js';
import { SendOrder } from '../task-options.js';
import type { SendOrderValue } from '../task-options.js';

/** Checks a target list (non-empty strings, no duplicates) and returns a copy. */
export function checkTargets(targets: readonly string[], what: string): string[] {
  if (!Array.isArray(targets)) {
    throw workflowError(WorkflowErrorCode.INVALID_OPTIONS, `${what}: targets must be an array of site names`);
  }
  const seen = new Set<string>();
  for (const target of targets) {
    if (typeof target !== 'string' || target.length === 0) {
      throw workflowError(WorkflowErrorCode.INVALID_OPTIONS, `${what}: every target must be a non-empty site name, got ${JSON.stringify(target)}`);
    }
    if (seen.has(target)) {
      throw workflowError(WorkflowErrorCode.INVALID_OPTIONS, `${what}: target ${target} is listed twice`, { target });
    }
    seen.add(target);
  }
  return [...targets];
}

/** Checks a duration or count option: a finite number >= 0 (an integer when `integer`). */
export function checkNonNegative(value: number, options: { readonly name: string; readonly what: string; readonly integer?: boolean }): number {
  const ok = Number.isFinite(value) && value >= 0 && (options.integer !== true || Number.isInteger(value));
  if (!ok) {
    const kind = options.integer === true ? 'an integer >= 0' : 'a finite number >= 0';
    throw workflowError(WorkflowErrorCode.INVALID_OPTIONS, `${options.what}: ${options.name} must be ${kind}, got ${value}`, {
      [options.name]: value,
    });
  }
  return value;
}

/** Checks a send order. */
export function checkSendOrder(value: string, what: string): SendOrderValue {
  if (value !== SendOrder.SEQUENTIAL && value !== SendOrder.ANY) {
    throw workflowError(WorkflowErrorCode.INVALID_OPTIONS, `${what}: sendOrder must be 'sequential' or 'any', got ${JSON.stringify(value)}`, {
      sendOrder: value,
    });
  }
  return value;
}
