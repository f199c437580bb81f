import { HearthError } from '@hearth/core';
import { JobErrorCode } from './errors.js';

/**
 * One finding of job validation. Every problem names the file (relative to the job folder, `/`-separated),
 * the JSON path inside it (`$.workflows[0].args.num_rounds`, or `$` for the file as a whole) and what is
 * wrong, so a person can fix it without reading Hearth's code.
 */
export interface JobProblem {
  /** File relative to the job folder, e.g. `app/config/config_fed_server.json`. */
  readonly file: string;
  /** JSONPath of the offending value; `$` for the whole file. */
  readonly path: string;
  /** What is wrong, in words. */
  readonly message: string;
  /** 1-based line of a JSON syntax error. */
  readonly line?: number;
  /** 1-based column of a JSON syntax error. */
  readonly column?: number;
}

/** One line per problem, `file $.path: message`; what CLIs print and what {@link JobInvalidError} says. */
export function formatJobProblem(problem: JobProblem): string {
  return `${problem.file} ${problem.path}: ${problem.message}`;
}

/** Options for {@link JobInvalidError}. */
export interface JobInvalidErrorOptions {
  /** The job folder that failed. */
  readonly dir: string;
  /** Everything validation found; at least one. */
  readonly problems: readonly JobProblem[];
}

/** Thrown by `loadJob` when a job folder fails validation; `problems` holds every finding. */
export class JobInvalidError extends HearthError {
  /** Every finding, in the order validation made them. */
  readonly problems: readonly JobProblem[];

  constructor(options: JobInvalidErrorOptions) {
    const count = options.problems.length;
    const lines = options.problems.map((p) => `  ${formatJobProblem(p)}`).join('\n');
    super(JobErrorCode.JOB_INVALID, `job ${options.dir} has ${count} problem${count === 1 ? '' : 's'}:\n${lines}`, {
      context: { dir: options.dir, problems: options.problems },
    });
    this.problems = options.problems;
  }
}
