import type { FLContext, Logger, Shareable } from '@hearth/core';
import type { Clock } from './clock.js';

/** A task on its way to one client. */
export interface PushTaskRequest {
  /** Site name of the client. */
  readonly client: string;
  /** Task name; selects the executor on the client. */
  readonly taskName: string;
  /** Id of the (task, client) pair; the client echoes it with its result. */
  readonly taskId: string;
  /**
   * The task data for this client. It shares its DXO with the task: the host serializes it when it
   * delivers it, so nobody may mutate that DXO afterwards (replace it instead).
   */
  readonly data: Shareable;
}

/** Withdraws a task from a client that has not answered it. */
export interface RevokeTaskRequest {
  /** Site name of the client. */
  readonly client: string;
  /** Id of the (task, client) pair, as pushed. */
  readonly taskId: string;
}

/**
 * What a {@link Controller} needs from the server engine that runs it: the clients, a way to push tasks to
 * them, time and logging. The engine implements it; tests implement it with a few lines.
 */
export interface ControllerHost {
  /** Timers and the current time. */
  readonly clock: Clock;
  /** Logger with site and job bound. */
  readonly logger: Logger;
  /** Clients that are connected and alive, in the order they joined. */
  clients(): readonly string[];
  /** True when `client` is connected and alive. */
  isClientAvailable(client: string): boolean;
  /**
   * Hands a task to a client. Fire and forget: delivery failures come back through
   * `Controller.handleResult` as a result with an error return code.
   */
  pushTask(request: PushTaskRequest): void;
  /**
   * Tells a client the server no longer wants this task: a client that has not started it drops it, one that
   * runs it gets its abort signal and submits nothing.
   */
  revokeTask(request: RevokeTaskRequest): void;
  /** A fresh context with the run's sticky props. */
  newContext(): FLContext;
}
