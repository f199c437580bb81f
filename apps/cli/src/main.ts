import { Command, CommanderError } from 'commander';
import { isHearthError } from '@hearth/core';
import { processIo, printError } from './cli-io.js';
import type { CliIo } from './cli-io.js';
import { registerJobCreate } from './commands/job-create.js';
import { registerJobValidate } from './commands/job-validate.js';
import { registerPlot } from './commands/plot.js';
import { registerPoc } from './commands/poc.js';
import { registerSimulate } from './commands/simulate.js';
import { registerTrain } from './commands/train.js';
import { ExitCode } from './exit-code.js';
import type { ExitCodeValue } from './exit-code.js';

/**
 * Runs the `hearth` command line and resolves to the exit code: 0 ok, 1 failure, 2 usage error.
 * Errors are printed, never thrown, so `bin/hearth.js` stays a one-liner.
 */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<ExitCodeValue> {
  let exitCode: ExitCodeValue = ExitCode.OK;
  const run = async (action: () => Promise<ExitCodeValue>): Promise<void> => {
    exitCode = await action();
  };
  const program = new Command('hearth')
    .description('Hearth: federated learning runtime')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
  registerSimulate(program, run, io);
  registerPlot(program, run, io);
  registerPoc(program, run, io);
  registerTrain(program, run, io);
  const job = program.command('job').description('work with job folders');
  registerJobValidate(job, run, io);
  registerJobCreate(job, run, io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? ExitCode.OK : ExitCode.USAGE;
    }
    if (isHearthError(err)) {
      printError(io, `${err.code}: ${err.message}`);
      return ExitCode.FAILURE;
    }
    printError(io, err instanceof Error ? (err.stack ?? err.message) : String(err));
    return ExitCode.FAILURE;
  }
}
