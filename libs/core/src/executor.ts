import type { FLContext } from './fl-context.js';
import { FLComponent } from './fl-component.js';
import type { Shareable } from './shareable.js';

/**
 * Client-side component that performs tasks. The engine picks the executor by task name and passes an
 * abort signal that fires when the task or job is aborted; long work should check it.
 */
export abstract class Executor extends FLComponent {
  /** Performs `taskName` on `data` and returns the result. Throwing reports EXECUTION_EXCEPTION to the server. */
  abstract execute(taskName: string, data: Shareable, ctx: FLContext, signal: AbortSignal): Promise<Shareable>;
}
