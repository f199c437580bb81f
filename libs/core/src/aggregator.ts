import type { FLContext } from './fl-context.js';
import { FLComponent } from './fl-component.js';
import type { Shareable } from './shareable.js';

/**
 * Server-side component that folds client results into one. Implementations accumulate as results arrive
 * so memory is O(model), never O(clients × model).
 */
export abstract class Aggregator extends FLComponent {
  /** Takes one client result; false when it is rejected (wrong round, bad data, duplicate). */
  abstract accept(result: Shareable, ctx: FLContext): boolean;
  /** The aggregate of everything accepted since the last reset. */
  abstract aggregate(ctx: FLContext): Shareable;
  /** Forgets everything accepted. */
  abstract reset(ctx: FLContext): void;
}
