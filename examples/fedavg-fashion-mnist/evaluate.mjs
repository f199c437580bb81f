// Scores a model of this job on the whole Fashion-MNIST test split (10,000 images, or the subset's 500):
// the round summaries report each round's global model on the sites' test shares, this reports the final one.
// Run after `npm run build`:
//   node examples/fedavg-fashion-mnist/evaluate.mjs [workspace/fedavg-fashion-mnist/server/models/final.safetensors]
import { readSafetensorsFile } from '@hearth/codec';
import { evaluateModel } from '@hearth/training';

const path = process.argv[2] ?? 'workspace/fedavg-fashion-mnist/server/models/final.safetensors';
const { params } = await readSafetensorsFile(path);
const result = await evaluateModel({
  model: { builtin: 'fashion_mnist_cnn' },
  params,
  dataset: { name: 'fashion-mnist' },
  executionProviders: ['cpu'],
});
process.stdout.write(`${JSON.stringify({ model: path, ...result })}\n`);
