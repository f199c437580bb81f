import type { EventTypeValue } from './events.js';
import type { FLContext } from './fl-context.js';
import type { Logger } from './logger.js';

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
}
