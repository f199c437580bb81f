import type { Dxo, FLContext } from '@hearth/core';

/**
 * Finds models saved earlier in the run by name (a persistor tag such as `final` or `best`), so a later
 * workflow (cross-site evaluation) can evaluate them. The safetensors persistor is one.
 */
export interface ModelLocator {
  /** The saved model called `name` as a WEIGHTS DXO, or undefined when none was saved under that name. */
  locateModel(name: string, ctx: FLContext): Promise<Dxo | undefined>;
}

/** True when `value` implements {@link ModelLocator} (structural check, for components looked up by id). */
export function isModelLocator(value: unknown): value is ModelLocator {
  return typeof value === 'object' && value !== null && typeof (value as Partial<ModelLocator>).locateModel === 'function';
}
