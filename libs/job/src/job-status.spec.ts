import { isHearthError } from '@hearth/core';
import { JobErrorCode } from './errors.js';
import { canTransition, isFinishedStatus, isJobStatus, JOB_STATUS_TRANSITIONS, JobStatus, transition } from './job-status.js';
import type { JobStatusValue } from './job-status.js';

const ALL = Object.values(JobStatus);

describe('job status machine', () => {
  it("uses NVFlare's RunStatus values", () => {
    expect(ALL).toEqual([
      'SUBMITTED',
      'DISPATCHED',
      'RUNNING',
      'FINISHED:COMPLETED',
      'FINISHED:ABORTED',
      'FINISHED:EXECUTION_EXCEPTION',
      'FINISHED:ABNORMAL',
      'FINISHED:CAN_NOT_SCHEDULE',
      'FINISHED:FAILED_TO_RUN',
    ]);
  });

  it('follows the happy path and returns the new status', () => {
    let status: JobStatusValue = JobStatus.SUBMITTED;
    for (const next of [JobStatus.DISPATCHED, JobStatus.RUNNING, JobStatus.FINISHED_COMPLETED]) status = transition(status, next);
    expect(status).toBe('FINISHED:COMPLETED');
  });

  it.each([
    ['SUBMITTED', 'FINISHED:ABORTED'],
    ['SUBMITTED', 'FINISHED:CAN_NOT_SCHEDULE'],
    ['SUBMITTED', 'FINISHED:FAILED_TO_RUN'],
    ['DISPATCHED', 'FINISHED:FAILED_TO_RUN'],
    ['DISPATCHED', 'FINISHED:ABNORMAL'],
    ['RUNNING', 'FINISHED:EXECUTION_EXCEPTION'],
    ['RUNNING', 'FINISHED:ABORTED'],
    ['RUNNING', 'FINISHED:ABNORMAL'],
  ])('allows %s -> %s', (from, to) => {
    expect(transition(from, to)).toBe(to);
  });

  it('treats every FINISHED:* status as final and only those', () => {
    for (const status of ALL) {
      expect(isFinishedStatus(status)).toBe(status.startsWith('FINISHED:'));
      if (isFinishedStatus(status)) for (const to of ALL) expect(canTransition(status, to)).toBe(false);
    }
  });

  it('throws a coded error for an illegal transition, naming what is allowed', () => {
    const error = (() => {
      try {
        return transition('SUBMITTED', 'RUNNING');
      } catch (thrown) {
        return thrown;
      }
    })();
    expect(isHearthError(error, JobErrorCode.ILLEGAL_STATUS_TRANSITION)).toBe(true);
    expect((error as Error).message).toBe(
      'a job cannot go from SUBMITTED to RUNNING ' +
        '(allowed from SUBMITTED: DISPATCHED, FINISHED:ABORTED, FINISHED:CAN_NOT_SCHEDULE, FINISHED:FAILED_TO_RUN)',
    );
    expect(() => transition('FINISHED:COMPLETED', 'RUNNING')).toThrow('(FINISHED:COMPLETED is final)');
    expect(() => transition('RUNNING', 'RUNNING')).toThrow(expect.objectContaining({ code: JobErrorCode.ILLEGAL_STATUS_TRANSITION }));
    expect(() => transition('RUNNING', 'SUBMITTED')).toThrow(expect.objectContaining({ code: JobErrorCode.ILLEGAL_STATUS_TRANSITION }));
  });

  it('throws a coded error for strings that are not statuses', () => {
    expect(() => transition('FINISHED', 'RUNNING')).toThrow(expect.objectContaining({ code: JobErrorCode.UNKNOWN_STATUS }));
    expect(() => transition('RUNNING', 'toString')).toThrow('"toString" is not a job status');
    expect(isJobStatus('RUNNING')).toBe(true);
    expect(isJobStatus('constructor')).toBe(false);
    expect(isJobStatus(3)).toBe(false);
  });

  it('has a table entry for every status that only names known statuses', () => {
    expect(Object.keys(JOB_STATUS_TRANSITIONS).sort()).toEqual([...ALL].sort());
    for (const targets of Object.values(JOB_STATUS_TRANSITIONS)) for (const to of targets) expect(isJobStatus(to)).toBe(true);
  });
});
