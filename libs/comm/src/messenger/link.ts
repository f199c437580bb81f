import type { Connection } from '../driver.js';

/** One connection attached to a messenger, and what hangs off it while it is the current one. */
export interface Link {
  readonly connection: Connection;
  /** Aborted when the link goes away; handlers of its messages see its signal. */
  readonly controller: AbortController;
  /** Control frames handed to the transport and not yet sent. */
  queued: number;
}
