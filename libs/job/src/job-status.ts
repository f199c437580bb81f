import { HearthError } from '@hearth/core';
import { JobErrorCode } from './errors.js';

/**
 * Where a job is in its life. Names and values follow NVFlare's `RunStatus`, so job listings and stored
 * metas read the same; every `FINISHED:*` status is final.
 */
export const JobStatus = {
  SUBMITTED: 'SUBMITTED',
  DISPATCHED: 'DISPATCHED',
  RUNNING: 'RUNNING',
  FINISHED_COMPLETED: 'FINISHED:COMPLETED',
  FINISHED_ABORTED: 'FINISHED:ABORTED',
  FINISHED_EXECUTION_EXCEPTION: 'FINISHED:EXECUTION_EXCEPTION',
  FINISHED_ABNORMAL: 'FINISHED:ABNORMAL',
  FINISHED_CANT_SCHEDULE: 'FINISHED:CAN_NOT_SCHEDULE',
  FAILED_TO_RUN: 'FINISHED:FAILED_TO_RUN',
} as const;

/** One of {@link JobStatus}. */
export type JobStatusValue = (typeof JobStatus)[keyof typeof JobStatus];

/**
 * The allowed status changes. A submitted job is dispatched by the scheduler, or ends without running
 * (aborted by an admin, never schedulable, failed to deploy). A dispatched job starts running, or ends
 * (aborted, failed to start, or lost when the server died mid-dispatch). A running job ends in one of the
 * four run outcomes. Finished jobs never change; a rerun is a clone with a new id.
 */
export const JOB_STATUS_TRANSITIONS: Readonly<Record<JobStatusValue, readonly JobStatusValue[]>> = {
  [JobStatus.SUBMITTED]: [JobStatus.DISPATCHED, JobStatus.FINISHED_ABORTED, JobStatus.FINISHED_CANT_SCHEDULE, JobStatus.FAILED_TO_RUN],
  [JobStatus.DISPATCHED]: [JobStatus.RUNNING, JobStatus.FINISHED_ABORTED, JobStatus.FAILED_TO_RUN, JobStatus.FINISHED_ABNORMAL],
  [JobStatus.RUNNING]: [
    JobStatus.FINISHED_COMPLETED,
    JobStatus.FINISHED_ABORTED,
    JobStatus.FINISHED_EXECUTION_EXCEPTION,
    JobStatus.FINISHED_ABNORMAL,
  ],
  [JobStatus.FINISHED_COMPLETED]: [],
  [JobStatus.FINISHED_ABORTED]: [],
  [JobStatus.FINISHED_EXECUTION_EXCEPTION]: [],
  [JobStatus.FINISHED_ABNORMAL]: [],
  [JobStatus.FINISHED_CANT_SCHEDULE]: [],
  [JobStatus.FAILED_TO_RUN]: [],
};

/** True when `value` is one of the job statuses (e.g. when reading a stored meta). */
export function isJobStatus(value: unknown): value is JobStatusValue {
  return typeof value === 'string' && Object.hasOwn(JOB_STATUS_TRANSITIONS, value);
}

/** True for final statuses, from which no transition is allowed. */
export function isFinishedStatus(status: JobStatusValue): boolean {
  return JOB_STATUS_TRANSITIONS[status].length === 0;
}

/** True when the table allows going from `from` to `to`. */
export function canTransition(from: JobStatusValue, to: JobStatusValue): boolean {
  return JOB_STATUS_TRANSITIONS[from].includes(to);
}

/**
 * Checks a status change and returns the new status. Throws `HEARTH_ERR_JOB_UNKNOWN_STATUS` for a string
 * that is not a status and `HEARTH_ERR_JOB_ILLEGAL_STATUS_TRANSITION` for a change the table forbids
 * (including staying in the same status), so a job store can never record an impossible history.
 */
export function transition(from: string, to: string): JobStatusValue {
  for (const status of [from, to]) {
    if (!isJobStatus(status)) {
      throw new HearthError(JobErrorCode.UNKNOWN_STATUS, `"${status}" is not a job status`, { context: { status } });
    }
  }
  const source = from as JobStatusValue;
  const target = to as JobStatusValue;
  if (!canTransition(source, target)) {
    const allowed = JOB_STATUS_TRANSITIONS[source];
    const hint = allowed.length === 0 ? `${source} is final` : `allowed from ${source}: ${allowed.join(', ')}`;
    throw new HearthError(JobErrorCode.ILLEGAL_STATUS_TRANSITION, `a job cannot go from ${source} to ${target} (${hint})`, {
      context: { from: source, to: target },
    });
  }
  return target;
}
