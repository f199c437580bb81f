import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { InvalidArgumentError, Option } from 'commander';
import type { Command } from 'commander';
import { createLogger } from '@hearth/core';
import { writeSafetensorsFile } from '@hearth/codec';
import { trainCentralized } from '@hearth/training';
import type { EpochPoint } from '@hearth/training';
import { printError, printLine } from '../cli-io.js';
import type { CliIo } from '../cli-io.js';
import { ExitCode } from '../exit-code.js';
import type { ExitCodeValue } from '../exit-code.js';

/** Built-in models `hearth train --model` accepts. */
const MODELS = ['fashion_mnist_cnn', 'mlp', 'logistic_regression'] as const;

/** Optimizers `hearth train --optimizer` accepts. */
const OPTIMIZERS = ['sgd', 'adam', 'adamw'] as const;

/** Execution providers `--providers` may list. */
const PROVIDERS = ['cuda', 'tensorrt', 'webgpu', 'cpu'] as const;

/** Options of `hearth train`. */
export interface TrainCommandOptions {
  readonly model: (typeof MODELS)[number];
  readonly epochs: number;
  readonly batchSize: number;
  /** @default 1e-3 for adam and adamw, 0.01 for sgd */
  readonly lr?: number;
  readonly optimizer: (typeof OPTIMIZERS)[number];
  readonly seed: number;
  readonly dataDir?: string;
  readonly workspace: string;
  readonly stepsPerRun: number;
  readonly threads: number;
  readonly providers: (typeof PROVIDERS)[number][];
  readonly json?: boolean;
  readonly logLevel: string;
}

function positiveInt(name: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a whole number >= 1`);
    return n;
  };
}

function nonNegativeInt(name: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a whole number >= 0`);
    return n;
  };
}

function integer(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError('must be a whole number');
  return n;
}

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a number > 0');
  return n;
}

function providerList(value: string): (typeof PROVIDERS)[number][] {
  const names = value.split(',').map((s) => s.trim());
  for (const name of names) {
    if (!(PROVIDERS as readonly string[]).includes(name)) throw new InvalidArgumentError(`unknown provider "${name}" (known: ${PROVIDERS.join(', ')})`);
  }
  return names as (typeof PROVIDERS)[number][];
}

function percent(value: number): string {
  return `${(value * 100).toFixed(2)}%`;
}

/** One progress line per epoch. */
export function formatEpoch(point: EpochPoint, epochs: number): string {
  return (
    `epoch ${point.epoch}/${epochs}  train_loss ${point.train_loss.toFixed(4)}  train_accuracy ${percent(point.train_accuracy)}  ` +
    `test_loss ${point.test_loss.toFixed(4)}  test_accuracy ${percent(point.test_accuracy)}  ${point.seconds.toFixed(1)} s  ${point.samples_per_second.toFixed(0)} samples/s`
  );
}

async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  const temp = `${path}.tmp`;
  await writeFile(temp, `${JSON.stringify(value, null, 2)}\n`);
  await rename(temp, path);
}

/**
 * Trains a built-in model on Fashion-MNIST in one process (the centralized baseline), prints one line per
 * epoch on stderr, and writes `learning-curve.json` and `model.safetensors` into the workspace.
 */
export async function train(options: TrainCommandOptions, io: CliIo): Promise<ExitCodeValue> {
  const abort = new AbortController();
  const onSigint = (): void => abort.abort();
  process.once('SIGINT', onSigint);
  try {
    const workspace = resolve(options.workspace);
    await mkdir(workspace, { recursive: true });
    const result = await trainCentralized({
      model: { builtin: options.model, seed: options.seed },
      dataset: { name: 'fashion-mnist', ...(options.dataDir === undefined ? {} : { dir: options.dataDir }) },
      epochs: options.epochs,
      batch_size: options.batchSize,
      optimizer: { type: options.optimizer },
      lr: options.lr ?? (options.optimizer === 'sgd' ? 0.01 : 1e-3),
      seed: options.seed,
      steps_per_run: options.stepsPerRun,
      intra_op_threads: options.threads,
      execution_providers: options.providers,
      signal: abort.signal,
      logger: createLogger({ name: 'train', level: options.logLevel }),
      onEpoch: (point) => io.stderr.write(`${formatEpoch(point, options.epochs)}\n`),
    });
    const curvePath = join(workspace, 'learning-curve.json');
    const modelPath = join(workspace, 'model.safetensors');
    await writeSafetensorsFile(modelPath, result.params, { metadata: { format: 'pt', model: options.model } });
    const report = { args: result.args, data: result.data, curve: result.curve, model: modelPath, learningCurve: curvePath };
    await writeJsonAtomic(curvePath, report);
    const last = result.curve.at(-1);
    if (options.json === true) {
      printLine(io, JSON.stringify(report));
    } else {
      if (last !== undefined) printLine(io, `test accuracy  ${percent(last.test_accuracy)} after ${last.epoch} epochs`);
      printLine(io, `model          ${modelPath}`);
      printLine(io, `learning curve ${curvePath}`);
    }
    if (result.data.source === 'subset') printError(io, 'trained on the committed 2,000-image subset: install dataset-fashion-mnist or pass --data-dir for the full set');
    return ExitCode.OK;
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}

/** Adds `train` to the program. */
export function registerTrain(program: Command, run: (action: () => Promise<ExitCodeValue>) => Promise<void>, io: CliIo): void {
  program
    .command('train')
    .description('train a model on Fashion-MNIST in this process (the centralized baseline) and save its learning curve')
    .addOption(new Option('--model <name>', 'built-in model').choices(MODELS).default('fashion_mnist_cnn'))
    .option('--epochs <count>', 'passes over the training split', positiveInt('--epochs'), 10)
    .option('--batch-size <count>', 'examples per mini-batch', positiveInt('--batch-size'), 64)
    .option('--lr <rate>', 'learning rate (default 1e-3 for adam/adamw, 0.01 for sgd)', positiveNumber)
    .addOption(new Option('--optimizer <name>', 'local optimizer').choices(OPTIMIZERS).default('adam'))
    .option('--seed <seed>', 'seed of the initial weights and the shuffles', integer, 0)
    .option('--data-dir <dir>', 'folder with the Fashion-MNIST IDX files (default: Debian dataset-fashion-mnist, else the committed subset)')
    .option('-w, --workspace <dir>', 'where learning-curve.json and model.safetensors go', 'workspace/train')
    .option('--steps-per-run <count>', 'mini-batches per ONNX Runtime run (K of the Loop program)', positiveInt('--steps-per-run'), 8)
    .option('--threads <count>', 'ONNX Runtime intra-op threads (0: all cores)', nonNegativeInt('--threads'), 1)
    .option('--providers <list>', 'execution providers to try, in order', providerList, ['cuda', 'cpu'])
    .option('--json', 'print the result as JSON on stdout')
    .option('--log-level <level>', 'pino log level on stderr', process.env['HEARTH_LOG_LEVEL'] ?? 'warn')
    .action((options: TrainCommandOptions) => run(() => train(options, io)));
}
