import type { Controller } from './controller.js';

/** True when `value` is a {@link Controller} (structural check; works across package copies and realms). */
export function isController(value: unknown): value is Controller {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<Controller>;
  return (
    typeof candidate.run === 'function' &&
    typeof candidate.attachHost === 'function' &&
    typeof candidate.handleResult === 'function' &&
    typeof candidate.cancelAllTasks === 'function'
  );
}
