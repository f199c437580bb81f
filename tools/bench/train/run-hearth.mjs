// One Hearth measurement for bench.mjs, in its own process: trains the benchmark CNN for one epoch on the
// full Fashion-MNIST and prints the epoch's point of the learning curve as one JSON line.
//   node tools/bench/train/run-hearth.mjs <steps_per_run> <threads> <batch_size>
import { trainCentralized } from '@hearth/training';

const [stepsPerRun = 8, threads = 1, batchSize = 64] = process.argv.slice(2, 5).map(Number);
const result = await trainCentralized({
  model: { builtin: 'fashion_mnist_cnn', seed: 0 },
  dataset: { name: 'fashion-mnist', normalize: 'standardize' },
  epochs: 1,
  batch_size: batchSize,
  optimizer: { type: 'adam' },
  lr: 1e-3,
  steps_per_run: stepsPerRun,
  execution_providers: ['cpu'],
  intra_op_threads: threads,
});
if (result.data.source === 'subset') throw new Error('the full Fashion-MNIST is not installed; the subset gives no benchmark');
const [epoch] = result.curve;
process.stdout.write(`${JSON.stringify({ stepsPerRun, threads, batchSize, ...epoch })}\n`);
