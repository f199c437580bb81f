/** How a job run ended. */
export const RunStatus = {
  /** Every workflow returned. */
  COMPLETED: 'completed',
  /** Someone aborted the job. */
  ABORTED: 'aborted',
  /** A workflow threw; `error` says what. */
  FAILED: 'failed',
} as const;

/** One of {@link RunStatus}. */
export type RunStatusValue = (typeof RunStatus)[keyof typeof RunStatus];

/** What `ServerEngine.run` returns. */
export interface RunOutcome {
  readonly status: RunStatusValue;
  /** The error a workflow threw, when the status is `failed`. */
  readonly error?: Error;
}
