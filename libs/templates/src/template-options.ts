import { compileServerOptimizerOptions } from '@hearth/algorithms';
import type { ServerOptimizerOptions } from '@hearth/algorithms';
import { isHearthError } from '@hearth/core';
import { TemplatesErrorCode, templatesError } from './errors.js';
import type { TemplateName } from './template-names.js';

/** The built-in models a template can train, by the names the OnnxTrainer's `model.builtin` takes. */
export const TEMPLATE_MODELS = ['fashion_mnist_cnn', 'mlp', 'logistic_regression'] as const;

/** One of {@link TEMPLATE_MODELS}. */
export type TemplateModel = (typeof TEMPLATE_MODELS)[number];

/** How each site's share of the test split is chosen (the OnnxTrainer's `dataset.test_split`). */
export type TemplateTestSplit = 'share' | 'full';

/**
 * What a job template can vary. Every option is optional; {@link templateDefaults} holds the defaults, and
 * options that belong to one algorithm (`fedproxMu`, `serverOptimizer`, `globalLearningRate`) are refused by
 * the other templates.
 */
export interface TemplateOptions {
  /** The job's name in `meta.json`. @default `<template>-fashion-mnist` */
  readonly name?: string;
  /** Client sites (`site-1` … `site-N`); the training split is divided over them and every round waits for all. @default 8 */
  readonly clients?: number;
  /** Dirichlet concentration α of the label split over the sites: 0.1 very skewed, 100 nearly IID. @default 0.5 */
  readonly alpha?: number;
  /** Federated rounds. @default 5 */
  readonly rounds?: number;
  /** Passes over the site's training share per round. @default 1 */
  readonly localEpochs?: number;
  /** The built-in model. @default 'fashion_mnist_cnn' */
  readonly model?: TemplateModel;
  /** Widths of the hidden layers of `mlp`; refused for the other models. @default [128] */
  readonly hidden?: readonly number[];
  /** The clients' learning rate. @default 0.02 (scaffold 0.05) */
  readonly lr?: number;
  /** Momentum of the clients' SGD. @default 0.9 (scaffold 0: its control variates assume plain SGD steps) */
  readonly momentum?: number;
  /** Mini-batch size on the clients. @default 32 */
  readonly batchSize?: number;
  /** Seed of the initial weights and of the data split (the run seed is `hearth simulate --seed`). @default 0 */
  readonly seed?: number;
  /** Folder with the four Fashion-MNIST IDX files. @default not written: Debian's dataset-fashion-mnist, else the committed subset */
  readonly dataDir?: string;
  /** `share`: each site tests on a disjoint 1/N of the test split; `full`: every site tests on all of it. @default 'share' */
  readonly testSplit?: TemplateTestSplit;
  /** FedProx's μ in μ/2 ‖w − w_global‖² (fedprox only). @default 0.01 */
  readonly fedproxMu?: number;
  /** The server's optimizer (fedopt only). @default { optimizer: 'sgd', learningRate: 1, momentum: 0.9 } (FedAvgM) */
  readonly serverOptimizer?: ServerOptimizerOptions;
  /** SCAFFOLD's global learning rate η_g (scaffold only). @default 1 */
  readonly globalLearningRate?: number;
}

/** {@link TemplateOptions} for one template with every default applied and every value checked. */
export interface CompiledTemplateOptions {
  readonly template: TemplateName;
  readonly name: string;
  readonly clients: number;
  readonly alpha: number;
  readonly rounds: number;
  readonly localEpochs: number;
  readonly model: TemplateModel;
  /** The hidden widths; only `mlp` uses them. */
  readonly hidden: readonly number[];
  readonly lr: number;
  readonly momentum: number;
  readonly batchSize: number;
  readonly seed: number;
  readonly dataDir: string | undefined;
  readonly testSplit: TemplateTestSplit;
  readonly fedproxMu: number;
  readonly serverOptimizer: ServerOptimizerOptions;
  readonly globalLearningRate: number;
}

type Defaults = Omit<CompiledTemplateOptions, 'template' | 'name' | 'dataDir'>;

/** The defaults every template shares; they reproduce examples/fedavg-fashion-mnist. */
const COMMON_DEFAULTS: Defaults = {
  clients: 8,
  alpha: 0.5,
  rounds: 5,
  localEpochs: 1,
  model: 'fashion_mnist_cnn',
  hidden: [128],
  lr: 0.02,
  momentum: 0.9,
  batchSize: 32,
  seed: 0,
  testSplit: 'share',
  fedproxMu: 0.01,
  serverOptimizer: { optimizer: 'sgd', learningRate: 1, momentum: 0.9 },
  globalLearningRate: 1,
};

/** Where one template departs from {@link COMMON_DEFAULTS}. */
const TEMPLATE_OVERRIDES: Readonly<Record<TemplateName, Partial<Defaults>>> = {
  fedavg: {},
  fedprox: {},
  fedopt: {},
  scaffold: { momentum: 0, lr: 0.05 },
  cyclic: {},
};

/** Options only one template reads, and that template. */
const ALGORITHM_OPTIONS = { fedproxMu: 'fedprox', serverOptimizer: 'fedopt', globalLearningRate: 'scaffold' } as const satisfies Partial<
  Record<keyof TemplateOptions, TemplateName>
>;

/** The defaults of one template: the single place where template defaults live. */
export function templateDefaults(template: TemplateName): Readonly<Defaults & { readonly name: string }> {
  return { ...COMMON_DEFAULTS, ...TEMPLATE_OVERRIDES[template], name: `${template}-fashion-mnist` };
}

function invalid(option: string, message: string, value: unknown): Error {
  return templatesError(TemplatesErrorCode.INVALID_OPTIONS, `template option ${option} ${message}, got ${JSON.stringify(value)}`, {
    context: { option, value },
  });
}

function wholeNumber(option: string, value: number, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) throw invalid(option, `must be a whole number >= ${min}`, value);
  return value;
}

function positive(option: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw invalid(option, 'must be a finite number > 0', value);
  return value;
}

function fraction(option: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value >= 1) throw invalid(option, 'must be a number in [0, 1)', value);
  return value;
}

function text(option: string, value: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw invalid(option, 'must be a non-empty string', value);
  return value;
}

function checkModel(model: TemplateModel): TemplateModel {
  if (!(TEMPLATE_MODELS as readonly string[]).includes(model)) throw invalid('model', `must be one of ${TEMPLATE_MODELS.join(', ')}`, model);
  return model;
}

function checkHidden(hidden: readonly number[]): readonly number[] {
  if (!Array.isArray(hidden) || hidden.length === 0) throw invalid('hidden', 'must list at least one layer width', hidden);
  hidden.forEach((units, i) => wholeNumber(`hidden[${i}]`, units, 1));
  return [...hidden];
}

function checkTestSplit(split: TemplateTestSplit): TemplateTestSplit {
  if (split !== 'share' && split !== 'full') throw invalid('testSplit', "must be 'share' or 'full'", split);
  return split;
}

function checkServerOptimizer(options: ServerOptimizerOptions): ServerOptimizerOptions {
  try {
    compileServerOptimizerOptions(options);
  } catch (err) {
    if (!isHearthError(err)) throw err;
    throw templatesError(TemplatesErrorCode.INVALID_OPTIONS, `template option serverOptimizer is invalid: ${err.message}`, {
      context: { option: 'serverOptimizer', value: options },
      cause: err,
    });
  }
  return { ...options };
}

function refuseForeignOptions(template: TemplateName, input: TemplateOptions): void {
  for (const [option, owner] of Object.entries(ALGORITHM_OPTIONS)) {
    if (owner !== template && input[option as keyof typeof ALGORITHM_OPTIONS] !== undefined) {
      throw templatesError(TemplatesErrorCode.INVALID_OPTIONS, `template option ${option} applies to the ${owner} template only, not ${template}`, {
        context: { option, template },
      });
    }
  }
}

/**
 * Fills in the defaults of `template` and checks every option; throws `HEARTH_ERR_TEMPLATE_INVALID_OPTIONS`
 * naming the option that is out of range or that the template does not take.
 */
export function compileTemplateOptions(template: TemplateName, input: TemplateOptions = {}): CompiledTemplateOptions {
  refuseForeignOptions(template, input);
  const d = templateDefaults(template);
  const model = checkModel(input.model ?? d.model);
  if (input.hidden !== undefined && model !== 'mlp') throw invalid('hidden', `applies to the mlp model only, not ${model}`, input.hidden);
  return {
    template,
    name: text('name', input.name ?? d.name),
    clients: wholeNumber('clients', input.clients ?? d.clients, 1),
    alpha: positive('alpha', input.alpha ?? d.alpha),
    rounds: wholeNumber('rounds', input.rounds ?? d.rounds, 1),
    localEpochs: wholeNumber('localEpochs', input.localEpochs ?? d.localEpochs, 1),
    model,
    hidden: checkHidden(input.hidden ?? d.hidden),
    lr: positive('lr', input.lr ?? d.lr),
    momentum: fraction('momentum', input.momentum ?? d.momentum),
    batchSize: wholeNumber('batchSize', input.batchSize ?? d.batchSize, 1),
    seed: wholeNumber('seed', input.seed ?? d.seed, 0),
    dataDir: input.dataDir === undefined ? undefined : text('dataDir', input.dataDir),
    testSplit: checkTestSplit(input.testSplit ?? d.testSplit),
    fedproxMu: positive('fedproxMu', input.fedproxMu ?? d.fedproxMu),
    serverOptimizer: checkServerOptimizer(input.serverOptimizer ?? d.serverOptimizer),
    globalLearningRate: positive('globalLearningRate', input.globalLearningRate ?? d.globalLearningRate),
  };
}
