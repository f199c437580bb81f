/** Names of FLContext props the runtime itself sets, so components read them without magic strings. */
export const ContextKey = {
  /** The run's random seed (a safe integer), set by the simulator or the job runner; sticky and public. */
  SEED: 'hearth.seed',
  /** The round the current task belongs to, when the workflow has rounds. */
  CURRENT_ROUND: 'hearth.current_round',
  /** The job folder on this site; relative paths in job args resolve from it. */
  JOB_DIR: 'hearth.job_dir',
} as const;
