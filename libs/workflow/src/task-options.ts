/** How `send` and `relay` pick the next client. */
export const SendOrder = {
  /** In target order; a target that is not available within the assignment timeout is skipped. */
  SEQUENTIAL: 'sequential',
  /** Whichever target is available first. */
  ANY: 'any',
} as const;

/** One of {@link SendOrder}. */
export type SendOrderValue = (typeof SendOrder)[keyof typeof SendOrder];

/** Options for the waiting variants (`broadcastAndWait`, `sendAndWait`, `relayAndWait`). */
export interface WaitOptions {
  /** Aborting it ends the task with status `aborted` and returns. @default none */
  readonly signal?: AbortSignal;
}

/** Options for `Controller.broadcast`. */
export interface BroadcastOptions {
  /**
   * Site names that get the task. Undefined means every client that is connected now or joins while the
   * task runs. @default undefined
   */
  readonly targets?: readonly string[];
  /** Results needed before the task may end; 0 means every target (every client that got it). @default 1 */
  readonly minResponses?: number;
  /** After `minResponses` arrived, how long to wait for more before ending the task. @default 0 */
  readonly waitTimeAfterMinReceivedMs?: number;
}

/** Options for `Controller.send`: the task goes to exactly one of the targets. */
export interface SendOptions {
  /** Candidate site names, at least one, no duplicates. */
  readonly targets: readonly string[];
  /** @default 'sequential' */
  readonly sendOrder?: SendOrderValue;
  /**
   * With `sequential`, how long to wait for the current target to be available before trying the next; 0
   * waits for it until the task times out. After the last target, whichever target comes first gets it.
   * @default 0
   */
  readonly taskAssignmentTimeoutMs?: number;
}

/** Options for `Controller.relay`: the task visits the targets one after another. */
export interface RelayOptions {
  /** Site names in visiting order. Undefined means the clients connected when the relay starts. @default undefined */
  readonly targets?: readonly string[];
  /** @default 'sequential' */
  readonly sendOrder?: SendOrderValue;
  /** How long to wait for the next target to be available before skipping it; 0 waits indefinitely. @default 0 */
  readonly taskAssignmentTimeoutMs?: number;
  /** How long each target may take to answer before the relay moves on; 0 waits indefinitely. @default 0 */
  readonly taskResultTimeoutMs?: number;
  /** Clients that join during the relay are appended to the targets. @default true */
  readonly dynamicTargets?: boolean;
}
