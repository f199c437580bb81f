import type { Aggregator, FLContext, ModelPersistor } from '@hearth/core';
import type { ModelUpdater } from '@hearth/algorithms';
import { WorkflowErrorCode, workflowError } from '../errors.js';

/** What to look up and how to recognise it. */
export interface ComponentRequest<T> {
  /** Component id from the job configuration. */
  readonly id: string;
  /** What it should be, for messages ("aggregator"). */
  readonly kind: string;
  /** Who asks, for messages ("ScatterAndGather sag"). */
  readonly requester: string;
  /** Structural check. */
  readonly is: (value: unknown) => value is T;
}

/** The component `request.id` from the engine, checked to be a `request.kind`; throws a coded error otherwise. */
export function requireComponent<T>(ctx: FLContext, request: ComponentRequest<T>): T {
  const component = ctx.engine.getComponent(request.id);
  if (component === undefined) {
    throw workflowError(WorkflowErrorCode.COMPONENT_MISSING, `${request.requester}: no component with id ${JSON.stringify(request.id)} (the ${request.kind})`, {
      id: request.id,
      kind: request.kind,
    });
  }
  if (!request.is(component)) {
    throw workflowError(WorkflowErrorCode.COMPONENT_TYPE, `${request.requester}: component ${JSON.stringify(request.id)} is not a ${request.kind}`, {
      id: request.id,
      kind: request.kind,
    });
  }
  return component;
}

function hasMethods(value: unknown, names: readonly string[]): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return names.every((name) => typeof record[name] === 'function');
}

/** True when `value` has the Aggregator methods (structural, so it works across package copies). */
export function isAggregator(value: unknown): value is Aggregator {
  return hasMethods(value, ['accept', 'aggregate', 'reset', 'handleEvent']);
}

/** True when `value` has the ModelPersistor methods. */
export function isModelPersistor(value: unknown): value is ModelPersistor {
  return hasMethods(value, ['load', 'save', 'handleEvent']);
}

/** True when `value` has the ModelUpdater methods (a server optimizer, for instance). */
export function isModelUpdater(value: unknown): value is ModelUpdater {
  return hasMethods(value, ['updateModel', 'saveState', 'loadState', 'handleEvent']);
}
