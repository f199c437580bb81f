import type { FLContext } from './fl-context.js';
import { FLComponent } from './fl-component.js';
import type { Shareable } from './shareable.js';

/**
 * Transforms a Shareable on its way in or out: privacy (exclude variables, percentile, DP), compression,
 * encryption. Chains run on clients (task data in, result out) and on the server (result in, task data out).
 */
export abstract class Filter extends FLComponent {
  /** Returns the filtered Shareable; may modify and return the same object. */
  abstract process(data: Shareable, ctx: FLContext): Shareable | Promise<Shareable>;
}
