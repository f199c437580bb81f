import { toError } from '@hearth/core';
import type { EventTypeValue, FLComponent, FLContext, Logger } from '@hearth/core';
import type { EngineEventListener } from '../engine-event.js';

/** What an {@link EventDispatcher} sends events to. */
export interface EventDispatcherInit {
  /** Site name put on every {@link EngineEvent}. */
  readonly site: string;
  /** Components in configuration order; one that appears twice gets each event once. */
  readonly components: Iterable<FLComponent>;
  readonly logger: Logger;
}

/**
 * Fires events to components in configuration order, then to listeners. A handler that throws is logged
 * and the others still run: one faulty component never stops a job.
 */
export class EventDispatcher {
  readonly #site: string;
  readonly #components: readonly FLComponent[];
  readonly #listeners = new Set<EngineEventListener>();
  readonly #logger: Logger;

  constructor(init: EventDispatcherInit) {
    this.#site = init.site;
    this.#components = [...new Set(init.components)];
    this.#logger = init.logger;
  }

  /** Adds a listener; the returned function removes it. */
  subscribe(listener: EngineEventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Fires `type` to every component, awaiting async handlers one by one, then to every listener. */
  async fire(type: EventTypeValue, ctx: FLContext): Promise<void> {
    for (const component of this.#components) {
      try {
        const pending = component.handleEvent(type, ctx);
        if (pending !== undefined) await pending;
      } catch (err) {
        this.#logger.error({ err: toError(err), event: type, component: component.id }, 'event handler failed');
      }
    }
    if (this.#listeners.size === 0) return;
    const event = { site: this.#site, type, ctx };
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (err) {
        this.#logger.error({ err: toError(err), event: type }, 'event listener failed');
      }
    }
  }
}
