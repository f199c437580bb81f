import type { EventTypeValue } from './events.js';
import type { FLContext } from './fl-context.js';
import type { Logger } from './logger.js';

/** One value a component streams while it works, such as the training loss after a step. */
export interface AnalyticsPoint {
  /** Name of the series, such as `train_loss`. */
  readonly key: string;
  /** The value; must be finite. */
  readonly value: number;
  /** Position on the x axis: a whole number >= 0 that grows over the whole run, like TensorBoard's global step. */
  readonly step: number;
}

/**
 * What a component may ask of the engine that runs it, on the server or a client. Kept small on purpose:
 * components reach other components and fire events through it, nothing more.
 */
export interface EngineSpec {
  /** The site the engine runs on. */
  readonly siteName: string;
  /** The job it runs. */
  readonly jobId: string;
  /** The engine's logger, with site and job bound. */
  readonly logger: Logger;
  /** A component of the running job by id, or undefined. */
  getComponent(id: string): unknown;
  /** Fires an event to every component of the job, in configuration order. */
  fireEvent(type: EventTypeValue, ctx: FLContext): Promise<void>;
  /** A fresh context with the run's sticky props. */
  newContext(): FLContext;
  /** Directory where the job may write results (models, metrics). */
  readonly workspaceDir: string;
  /**
   * Streams a point to the server while a task runs (NVFlare's analytics streaming), tagged with this site,
   * the round of `ctx` and the time. Returns at once: points are batched and sent in the background, and a
   * full buffer drops its oldest points and counts them. Engines that cannot stream leave it out, so call it
   * as `ctx.engine.sendAnalytics?.(point, ctx)`. Throws a HearthError when the point is malformed.
   */
  sendAnalytics?(point: AnalyticsPoint, ctx: FLContext): void;
}
