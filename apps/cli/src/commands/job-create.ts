import { InvalidArgumentError, Option } from 'commander';
import type { Command } from 'commander';
import { isHearthError } from '@hearth/core';
import { JobErrorCode } from '@hearth/job';
import { TEMPLATE_MODELS, TEMPLATE_NAMES, TemplatesErrorCode, templateDefaults, writeTemplateJob } from '@hearth/templates';
import type { TemplateModel, TemplateOptions } from '@hearth/templates';
import { printError, printLine } from '../cli-io.js';
import type { CliIo } from '../cli-io.js';
import { ExitCode } from '../exit-code.js';
import type { ExitCodeValue } from '../exit-code.js';

/** Options of `hearth job create`; unset template options take the template's defaults. */
export interface JobCreateOptions {
  readonly template: string;
  readonly output: string;
  readonly clients?: number;
  readonly alpha?: number;
  readonly rounds?: number;
  readonly localEpochs?: number;
  readonly model?: TemplateModel;
  readonly hidden?: number[];
  readonly lr?: number;
  readonly seed?: number;
  readonly dataDir?: string;
  readonly force?: boolean;
  readonly json?: boolean;
}

function integer(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isSafeInteger(n)) throw new InvalidArgumentError('must be a whole number');
  return n;
}

function number(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError('must be a number');
  return n;
}

function widths(value: string): number[] {
  return value.split(',').map((part) => integer(part));
}

function templateOptions(options: JobCreateOptions): TemplateOptions {
  const given: Record<string, unknown> = {
    clients: options.clients,
    alpha: options.alpha,
    rounds: options.rounds,
    localEpochs: options.localEpochs,
    model: options.model,
    hidden: options.hidden,
    lr: options.lr,
    seed: options.seed,
    dataDir: options.dataDir,
  };
  return Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined)) as TemplateOptions;
}

/**
 * Writes a job folder from a template. Exits 2 for a template option out of range (the message names it),
 * 1 when the folder already holds files and `--force` is not given.
 */
export async function jobCreate(options: JobCreateOptions, io: CliIo): Promise<ExitCodeValue> {
  try {
    const job = await writeTemplateJob({ template: options.template, dir: options.output, options: templateOptions(options), overwrite: options.force === true });
    if (options.json === true) {
      printLine(io, JSON.stringify({ dir: options.output, template: job.template, options: job }));
    } else {
      const model = job.model === 'mlp' ? `mlp [${job.hidden.join(', ')}]` : job.model;
      printLine(io, `${options.output}: ${job.template} job "${job.name}", ${job.clients} clients, alpha ${job.alpha}, ${job.rounds} round${job.rounds === 1 ? '' : 's'} x ${job.localEpochs} local epoch${job.localEpochs === 1 ? '' : 's'}, ${model}`);
    }
    return ExitCode.OK;
  } catch (err) {
    if (isHearthError(err, TemplatesErrorCode.INVALID_OPTIONS) || isHearthError(err, TemplatesErrorCode.UNKNOWN_TEMPLATE)) {
      printError(io, `error: ${err.message}`);
      return ExitCode.USAGE;
    }
    if (isHearthError(err, JobErrorCode.JOB_DIR_NOT_EMPTY)) {
      printError(io, `error: ${options.output} is not empty; pass --force to write the job into it anyway`);
      return ExitCode.FAILURE;
    }
    throw err;
  }
}

/** Adds `job create` to the `job` command. */
export function registerJobCreate(job: Command, run: (action: () => Promise<ExitCodeValue>) => Promise<void>, io: CliIo): void {
  const d = templateDefaults('fedavg');
  job
    .command('create')
    .description('write a job folder from a template (Fashion-MNIST, OnnxTrainer clients)')
    .addOption(new Option('--template <name>', 'the algorithm').choices(TEMPLATE_NAMES).makeOptionMandatory())
    .requiredOption('-o, --output <dir>', 'the job folder to write')
    .option('--clients <count>', `client sites; the data is split over them (default ${d.clients})`, integer)
    .option('--alpha <alpha>', `Dirichlet concentration of the label split, 0.1 very skewed (default ${d.alpha})`, number)
    .option('--rounds <count>', `federated rounds (default ${d.rounds})`, integer)
    .option('--local-epochs <count>', `epochs each client trains per round (default ${d.localEpochs})`, integer)
    .addOption(new Option('--model <model>', `built-in model (default ${d.model})`).choices(TEMPLATE_MODELS))
    .option('--hidden <widths>', `hidden layer widths of the mlp, comma-separated (default ${d.hidden.join(',')})`, widths)
    .option('--lr <rate>', `clients' learning rate (default ${d.lr}; scaffold ${templateDefaults('scaffold').lr})`, number)
    .option('--seed <seed>', `seed of the initial model and the data split (default ${d.seed})`, integer)
    .option('--data-dir <dir>', 'folder with the Fashion-MNIST IDX files (default: the Debian package, else the committed subset)')
    .option('--force', 'write into a folder that already holds files')
    .option('--json', 'print the options the job was written with as JSON on stdout')
    .action((options: JobCreateOptions) => run(() => jobCreate(options, io)));
}
