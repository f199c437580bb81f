import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { fashionMnistCnn, importOnnxModel, logisticRegression, mlp } from '@hearth/onnx-train';
import type { Model } from '@hearth/onnx-train';
import { Type } from 'typebox';
import type { Static } from 'typebox';
import { TrainingErrorCode, trainingError } from './errors.js';
import { AsyncMemo } from './internal/async-memo.js';
import { checkSchema } from './internal/check-schema.js';
import type { SpecInput } from './internal/spec-input.js';

const seed = Type.Integer({ default: 0, description: 'seed of the initial weights (the global model of a job comes from its persistor)' });
const dropout = Type.Number({ minimum: 0, exclusiveMaximum: 1, default: 0, description: 'dropout ratio before the last layer(s); 0 = none' });

/**
 * The model a job trains: a built-in one (sized to the dataset: 784 inputs and 10 classes for
 * Fashion-MNIST) or an ONNX file exported by PyTorch or TensorFlow, relative to the job folder.
 * - `fashion_mnist_cnn`: conv 3x3x32, maxpool, conv 3x3x64, maxpool, dense 128, dense 10 (421,642 weights);
 * - `mlp`: dense layers of `hidden` units (@default [128]) with `activation` (@default relu);
 * - `logistic_regression`: one dense layer.
 */
export const ModelSpecSchema = Type.Union([
  Type.Object({ builtin: Type.Literal('fashion_mnist_cnn'), seed, dropout }, { additionalProperties: false }),
  Type.Object(
    {
      builtin: Type.Literal('mlp'),
      hidden: Type.Array(Type.Integer({ minimum: 1 }), { minItems: 1, default: [128], description: 'units of each hidden layer' }),
      activation: Type.Union([Type.Literal('relu'), Type.Literal('tanh'), Type.Literal('sigmoid')], { default: 'relu' }),
      seed,
      dropout,
    },
    { additionalProperties: false },
  ),
  Type.Object({ builtin: Type.Literal('logistic_regression'), seed }, { additionalProperties: false }),
  Type.Object(
    {
      onnx_file: Type.String({ minLength: 1, description: '.onnx file (opset 13-17); relative paths resolve from the job folder' }),
      freeze: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { description: 'initializers to keep fixed' })),
      input: Type.Optional(Type.String({ minLength: 1, description: 'data input, when the model has several' })),
      output: Type.Optional(Type.String({ minLength: 1, description: 'logits output, when the model has several' })),
    },
    { additionalProperties: false },
  ),
]);

/** {@link ModelSpecSchema} as a type, defaults applied. */
export type ModelSpec = Static<typeof ModelSpecSchema>;

/** A {@link ModelSpec} as callers write it: `builtin` or `onnx_file`, the rest optional. */
export type ModelSpecInput = SpecInput<ModelSpec, 'builtin' | 'onnx_file'>;

/** A model ready for a dataset: the compiled-program memo key, the model, and the shape of one example. */
export interface PreparedModel {
  /** Identifies the model (spec and resolved file); programs compiled from it are memoized under it. */
  readonly key: string;
  readonly model: Model;
  /** Shape of one example without the batch axis, e.g. `[1, 28, 28]` or `[784]`. */
  readonly exampleShape: readonly number[];
  /** True when the model drops units in training, so sessions carry random state between runs. */
  readonly stochastic: boolean;
}

/** What a model must fit: the dataset's example size and class count. */
export interface ModelTarget {
  /** Values per example (784 for Fashion-MNIST). */
  readonly features: number;
  /** Number of classes. */
  readonly classes: number;
}

const prepared = new AsyncMemo<PreparedModel>();

function onnxPath(spec: { readonly onnx_file: string }, jobDir: string | undefined): string {
  return isAbsolute(spec.onnx_file) ? spec.onnx_file : resolve(jobDir ?? process.cwd(), spec.onnx_file);
}

async function buildModel(options: { readonly spec: ModelSpec; readonly path: string | undefined; readonly target: ModelTarget }): Promise<Model> {
  const { spec, target } = options;
  if ('builtin' in spec) {
    if (spec.builtin === 'fashion_mnist_cnn') return fashionMnistCnn({ seed: spec.seed, dropout: spec.dropout });
    if (spec.builtin === 'mlp') {
      return mlp({ features: target.features, hidden: spec.hidden, outputs: target.classes, activation: spec.activation, dropout: spec.dropout, seed: spec.seed });
    }
    return logisticRegression({ features: target.features, classes: target.classes, seed: spec.seed });
  }
  const path = options.path as string;
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (cause) {
    throw trainingError(TrainingErrorCode.INVALID_MODEL, `cannot read the model file ${path}: ${(cause as Error).message}`, { context: { file: path }, cause });
  }
  try {
    return importOnnxModel(bytes, {
      ...(spec.freeze === undefined ? {} : { freeze: spec.freeze }),
      ...(spec.input === undefined ? {} : { input: spec.input }),
      ...(spec.output === undefined ? {} : { output: spec.output }),
    });
  } catch (cause) {
    throw trainingError(TrainingErrorCode.INVALID_MODEL, `cannot train the model in ${path}: ${(cause as Error).message}`, { context: { file: path }, cause });
  }
}

function fit(options: { readonly model: Model; readonly target: ModelTarget; readonly name: string }): readonly number[] {
  const { model, target, name } = options;
  const input = model.graph.inputs.find((i) => i.name === model.input);
  const output = model.graph.outputs.find((o) => o.name === model.output);
  const exampleDims = input?.shape.slice(1) ?? [];
  const exampleShape = exampleDims.filter((d): d is number => typeof d === 'number');
  const size = exampleShape.reduce((a, d) => a * d, 1);
  if (exampleShape.length !== exampleDims.length || size !== target.features) {
    throw trainingError(
      TrainingErrorCode.MODEL_DATA_MISMATCH,
      `model ${name} takes examples of shape [${exampleDims.join(', ')}], but the dataset has ${target.features} values per example`,
      { context: { model: name, exampleShape: exampleDims, features: target.features } },
    );
  }
  const classes = output?.shape.at(-1);
  if (typeof classes === 'number' && classes !== target.classes) {
    throw trainingError(TrainingErrorCode.MODEL_DATA_MISMATCH, `model ${name} predicts ${classes} classes, but the dataset has ${target.classes}`, {
      context: { model: name, classes, datasetClasses: target.classes },
    });
  }
  return exampleShape;
}

/**
 * Builds the model a spec names for a dataset, once per process (memoized by spec, resolved file and
 * dataset size), and checks that it fits: examples of `target.features` values and `target.classes`
 * outputs. Throws `HEARTH_ERR_TRAINING_INVALID_MODEL` for an unreadable or untrainable file and
 * `HEARTH_ERR_TRAINING_MODEL_DATA_MISMATCH` when the model does not fit the data.
 */
export function prepareModel(options: { readonly spec: ModelSpecInput; readonly target: ModelTarget; readonly jobDir?: string }): Promise<PreparedModel> {
  const { target } = options;
  const spec = checkSchema({ schema: ModelSpecSchema, value: options.spec, what: 'model spec' });
  const path = 'onnx_file' in spec ? onnxPath(spec, options.jobDir) : undefined;
  const key = JSON.stringify([spec, path ?? null, target.features, target.classes]);
  return prepared.get(key, async () => {
    const model = await buildModel({ spec, path, target });
    const name = path ?? ('builtin' in spec ? spec.builtin : 'model');
    const exampleShape = fit({ model, target, name });
    return { key, model, exampleShape, stochastic: model.graph.nodes.some((n) => n.op === 'Dropout') };
  });
}

/** Forgets every prepared model. */
export function clearPreparedModels(): void {
  prepared.clear();
}
