// tools/bench/train: the centralized learning curve of the benchmark CNN on the full Fashion-MNIST, the
// baseline federated runs are judged against. Acceptance: >= 90% test accuracy within 10 epochs.
// Run after `npm run build` (it takes about 10 minutes on 2 cores):
//   node tools/bench/train/centralized.mjs [epochs=10]
// Writes docs/benchmarks/fashion-mnist-centralized.json and .md.
import { createLogger } from '@hearth/core';
import { trainCentralized } from '@hearth/training';
import { machineInfo, machineLine } from '../lib/machine.mjs';
import { writeResults } from '../lib/write-results.mjs';

const epochs = Number(process.argv[2] ?? 10);
const settings = {
  model: { builtin: 'fashion_mnist_cnn', seed: 0 },
  dataset: { name: 'fashion-mnist', normalize: 'standardize' },
  epochs,
  batch_size: 64,
  optimizer: { type: 'adam' },
  lr: 1e-3,
  seed: 0,
  steps_per_run: 8,
  execution_providers: ['cpu'],
  intra_op_threads: 1,
};

const result = await trainCentralized({
  ...settings,
  logger: createLogger({ name: 'bench-train', level: 'warn' }),
  onEpoch: (p) => process.stderr.write(`${JSON.stringify(p)}\n`),
});
if (result.data.source === 'subset') throw new Error('the full Fashion-MNIST is not installed (Debian package dataset-fashion-mnist); the subset gives no benchmark');

const machine = machineInfo();
const pct = (v) => `${(v * 100).toFixed(2)}%`;
const first90 = result.curve.find((p) => p.test_accuracy >= 0.9);
const best = result.curve.reduce((a, p) => (p.test_accuracy > a.test_accuracy ? p : a));
const rows = result.curve.map(
  (p) => `| ${p.epoch} | ${p.train_loss.toFixed(4)} | ${pct(p.train_accuracy)} | ${p.test_loss.toFixed(4)} | ${pct(p.test_accuracy)} | ${p.seconds.toFixed(1)} | ${p.samples_per_second.toFixed(0)} |`,
);
const markdown = [
  '# Fashion-MNIST, centralized: learning curve of the benchmark CNN',
  '',
  machineLine(machine),
  '',
  `\`node tools/bench/train/centralized.mjs ${epochs}\` after \`npm run build\`: \`trainCentralized\` from @hearth/training, the same`,
  'data pipeline, compiled programs and ORT sessions the federated executor uses. Model `fashion_mnist_cnn`',
  '(conv 3x3x32, maxpool, conv 3x3x64, maxpool, dense 128, dense 10; 421,642 parameters, seed 0), all 60,000',
  'training images standardized with mean 0.286 and std 0.353, batch 64 in a seeded shuffle per epoch, Adam',
  'lr 1e-3, K = 8 steps per ORT run (Loop program), CPU execution provider with one intra-op thread. Train',
  'metrics are running means over the epoch; test metrics are on all 10,000 test images after the epoch.',
  'Seconds and samples/s cover training only, on a 2-core machine shared with other work.',
  '',
  '| epoch | train loss | train accuracy | test loss | test accuracy | seconds | samples/s |',
  '| ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...rows,
  '',
  first90 === undefined
    ? `Test accuracy did not reach 90% within ${epochs} epochs (best ${pct(best.test_accuracy)} at epoch ${best.epoch}).`
    : `Test accuracy first reached 90% at epoch ${first90.epoch} (${pct(first90.test_accuracy)}); best ${pct(best.test_accuracy)} at epoch ${best.epoch}.`,
].join('\n');
const paths = await writeResults(
  'fashion-mnist-centralized',
  { benchmark: 'fashion-mnist-centralized', machine, settings, data: result.data, curve: result.curve, reached90AtEpoch: first90?.epoch ?? null },
  markdown,
);
process.stderr.write(`wrote ${paths.jsonPath} and ${paths.mdPath}\n`);
