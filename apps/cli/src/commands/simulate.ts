import { InvalidArgumentError } from 'commander';
import type { Command } from 'commander';
import { createLogger, isHearthError } from '@hearth/core';
import { plotWorkspace } from '@hearth/plot';
import type { PlotFile } from '@hearth/plot';
import { simulateJob, simulatedSiteNames } from '@hearth/runner';
import { printError, printLine } from '../cli-io.js';
import type { CliIo } from '../cli-io.js';
import { ExitCode } from '../exit-code.js';
import type { ExitCodeValue } from '../exit-code.js';
import { RoundProgress } from '../round-progress.js';
import { printPlots } from './plot.js';

/** Options of `hearth simulate`. */
export interface SimulateOptions {
  readonly n?: number;
  readonly clients?: string[];
  readonly threads: number;
  readonly workspace: string;
  readonly seed: number;
  readonly json?: boolean;
  readonly logLevel: string;
  readonly plot?: boolean;
}

function positiveInt(name: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a whole number >= 1`);
    return n;
  };
}

function integer(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError('must be a whole number');
  return n;
}

function siteList(value: string): string[] {
  const sites = value.split(',').map((s) => s.trim());
  if (sites.some((s) => s === '')) throw new InvalidArgumentError('site names must be non-empty, separated by commas');
  return sites;
}

/** Draws the run's plots into `<workspace>/plots`; a failure is printed and reported as undefined. */
async function plotRun(workspace: string, io: CliIo): Promise<PlotFile[] | undefined> {
  try {
    return await plotWorkspace({ workspaceDir: workspace });
  } catch (err) {
    if (!isHearthError(err)) throw err;
    printError(io, `${err.code}: ${err.message}`);
    return undefined;
  }
}

/** Runs a job in the simulator and prints where the model and metrics (and, with --plot, the plots) went. */
export async function simulate(jobDir: string, options: SimulateOptions, io: CliIo): Promise<ExitCodeValue> {
  const clients = options.clients ?? simulatedSiteNames(options.n ?? 2);
  const progress = new RoundProgress(io, clients.length);
  const abort = new AbortController();
  const onSigint = (): void => abort.abort();
  process.once('SIGINT', onSigint);
  try {
    const result = await simulateJob({
      jobDir,
      clients,
      threads: options.threads,
      workspaceDir: options.workspace,
      seed: options.seed,
      logger: createLogger({ name: 'simulator', level: options.logLevel }),
      signal: abort.signal,
      onEvent: (event) => progress.onEvent(event),
    });
    progress.close();
    const plots = options.plot === true ? await plotRun(options.workspace, io) : undefined;
    if (options.json === true) {
      printLine(io, JSON.stringify({ ...result, error: result.error?.message, ...(options.plot === true ? { plots: plots ?? null } : {}) }));
    } else {
      printLine(io, `status   ${result.status}`);
      printLine(io, `model    ${result.modelPath ?? '(none written)'}`);
      printLine(io, `metrics  ${result.metricsPath}`);
      printLine(io, `streams  ${result.streamsDir}`);
      printPlots(io, plots ?? []);
    }
    if (result.error !== undefined) printError(io, `job failed: ${result.error.message}`);
    const plotted = options.plot !== true || plots !== undefined;
    return result.status === 'completed' && plotted ? ExitCode.OK : ExitCode.FAILURE;
  } finally {
    progress.close();
    process.removeListener('SIGINT', onSigint);
  }
}

/** Adds `simulate <job>` to the program. */
export function registerSimulate(program: Command, run: (action: () => Promise<ExitCodeValue>) => Promise<void>, io: CliIo): void {
  program
    .command('simulate')
    .description('run a job with its server and N clients in this process')
    .argument('<job>', 'job folder')
    .option('-n, --n <count>', 'number of clients, named site-1 … site-N', positiveInt('-n'))
    .option('-c, --clients <sites>', 'comma-separated client site names (instead of -n)', siteList)
    .option('-t, --threads <count>', 'clients that run at once', positiveInt('-t'), 1)
    .option('-w, --workspace <dir>', 'where models, metrics and logs go', 'workspace/simulate')
    .option('--seed <seed>', 'seed every component reads', integer, 0)
    .option('--json', 'print the result as JSON on stdout')
    .option('--log-level <level>', 'pino log level on stderr', process.env['HEARTH_LOG_LEVEL'] ?? 'warn')
    .option('--plot', 'draw the learning curves into <workspace>/plots at the end (SVG, as hearth plot does)')
    .action((job: string, options: SimulateOptions, command: Command) => {
      if (options.n !== undefined && options.clients !== undefined) command.error('error: give either -n or -c, not both', { exitCode: ExitCode.USAGE });
      return run(() => simulate(job, options, io));
    });
}
