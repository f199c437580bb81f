import type { EventTypeValue } from './events.js';
import type { FLContext } from './fl-context.js';

/**
 * Base of every configurable component (workflows, executors, filters, aggregators, persistors, ...).
 * The engine gives each one its configured id and calls {@link FLComponent.handleEvent} for every event.
 */
export abstract class FLComponent {
  /** The id from the job configuration; set by the engine when the component is built. */
  id = '';

  /** Reacts to an event. The default ignores it. Errors are logged by the engine and do not stop the job. */
  handleEvent(_type: EventTypeValue, _ctx: FLContext): void | Promise<void> {
    return undefined;
  }

  /** Fires an event through the engine that runs this component. */
  protected fireEvent(type: EventTypeValue, ctx: FLContext): Promise<void> {
    return ctx.engine.fireEvent(type, ctx);
  }
}

/** True when `value` looks like an FLComponent (structural check; works across package copies). */
export function isFLComponent(value: unknown): value is FLComponent {
  return typeof value === 'object' && value !== null && typeof (value as FLComponent).handleEvent === 'function';
}
