import { inspectJob } from './inspect-job.js';
import type { ValidateJobOptions } from './inspect-job.js';
import type { JobProblem } from './job-problem.js';

/**
 * Checks a job folder and returns every problem found (empty when the job is valid): invalid JSON with its
 * line and column, missing files, deploy-map mistakes, unknown component types, bad args, duplicate ids,
 * dangling references, executors claiming a task twice, `min_clients` and `mandatory_clients` that the
 * deploy map cannot satisfy. Use it to report; use `loadJob` to run.
 */
export async function validateJob(dir: string, options: ValidateJobOptions): Promise<JobProblem[]> {
  return [...(await inspectJob(dir, options)).problems];
}
