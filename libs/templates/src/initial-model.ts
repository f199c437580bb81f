import type { ParamMap } from '@hearth/core';
import { fashionMnistCnn, logisticRegression, mlp } from '@hearth/onnx-train';
import type { CompiledTemplateOptions } from './template-options.js';

/** Values per Fashion-MNIST image (28 × 28) and its number of classes: what the built-in models are sized to. */
const FASHION_MNIST = { features: 784, classes: 10 } as const;

/** Where a template job keeps its initial global model, relative to the job folder. */
export const INITIAL_MODEL_FILE = 'models/initial.safetensors';

/** A template's initial global model and the safetensors metadata that says where it came from. */
export interface InitialModel {
  readonly params: ParamMap;
  readonly metadata: Readonly<Record<string, string>>;
}

/**
 * The seeded initial weights of the template's model: the same weights the clients' OnnxTrainer would
 * build from the same model spec and seed, so the file is reproducible from the options alone.
 */
export function initialModel(options: Pick<CompiledTemplateOptions, 'model' | 'hidden' | 'seed'>): InitialModel {
  const { model, seed } = options;
  const metadata = { format: 'pt', model, seed: String(seed) };
  if (model === 'fashion_mnist_cnn') return { params: fashionMnistCnn({ seed }).params, metadata };
  if (model === 'mlp') {
    const params = mlp({ features: FASHION_MNIST.features, hidden: options.hidden, outputs: FASHION_MNIST.classes, seed }).params;
    return { params, metadata: { ...metadata, hidden: options.hidden.join(',') } };
  }
  return { params: logisticRegression({ features: FASHION_MNIST.features, classes: FASHION_MNIST.classes, seed }).params, metadata };
}
