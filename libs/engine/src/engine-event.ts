import type { EventTypeValue, FLContext } from '@hearth/core';

/** An event an engine fired, as observers (CLI progress, benchmarks) see it. */
export interface EngineEvent {
  /** Site that fired it (`server` or a client name). */
  readonly site: string;
  readonly type: EventTypeValue;
  /** The context the components saw, with whatever props they set. */
  readonly ctx: FLContext;
}

/** Receives {@link EngineEvent}s after the components handled them. Throwing is logged and ignored. */
export type EngineEventListener = (event: EngineEvent) => void;
