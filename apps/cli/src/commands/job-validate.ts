import type { Command } from 'commander';
import { createBuiltinRegistry } from '@hearth/components';
import { formatJobProblem, validateJob } from '@hearth/job';
import { printError, printLine } from '../cli-io.js';
import type { CliIo } from '../cli-io.js';
import { ExitCode } from '../exit-code.js';
import type { ExitCodeValue } from '../exit-code.js';

/** Options of `hearth job validate`. */
export interface JobValidateOptions {
  readonly json?: boolean;
}

/** Validates a job folder; prints every problem as `file $.path: message` and exits 1 when there is one. */
export async function jobValidate(dir: string, options: JobValidateOptions, io: CliIo): Promise<ExitCodeValue> {
  const problems = await validateJob(dir, { registry: createBuiltinRegistry() });
  if (options.json === true) {
    printLine(io, JSON.stringify({ dir, valid: problems.length === 0, problems }));
  } else if (problems.length === 0) {
    printLine(io, `${dir}: valid`);
  } else {
    for (const problem of problems) printError(io, formatJobProblem(problem));
    printError(io, `${dir}: ${problems.length} problem${problems.length === 1 ? '' : 's'}`);
  }
  return problems.length === 0 ? ExitCode.OK : ExitCode.FAILURE;
}

/** Adds `job validate <dir>` to the `job` command. */
export function registerJobValidate(job: Command, run: (action: () => Promise<ExitCodeValue>) => Promise<void>, io: CliIo): void {
  job
    .command('validate')
    .description('check a job folder: meta.json, app configs, component types and their args')
    .argument('<dir>', 'job folder')
    .option('--json', 'print the result as JSON on stdout')
    .action((dir: string, options: JobValidateOptions) => run(() => jobValidate(dir, options, io)));
}
