// tools/bench/train: training throughput of the benchmark CNN on the full Fashion-MNIST (samples per
// second over one epoch): Hearth's K-step Loop program, Hearth's one-step program (one session.run per
// mini-batch) and PyTorch 1.13 (Debian's python3-torch) with the same architecture, data, batch size,
// optimizer and thread count. Each measurement runs in a fresh process, in turn, `repeat` times.
// Run after `npm run build` (about 10 minutes on 2 cores):
//   node tools/bench/train/bench.mjs [repeat=1] [threads=1]
// Writes docs/benchmarks/train.json and train.md.
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machineInfo, machineLine } from '../lib/machine.mjs';
import { writeResults } from '../lib/write-results.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repeat = Number(process.argv[2] ?? 1);
const threads = Number(process.argv[3] ?? 1);
const BATCH = 64;
const K = 8;

const contenders = [
  { name: `Hearth, Loop program (K = ${K} steps per run)`, run: () => hearth(K) },
  { name: 'Hearth, one step per run', run: () => hearth(1) },
  { name: 'PyTorch 1.13, eager', run: torch },
];

function hearth(stepsPerRun) {
  const out = execFileSync(process.execPath, [join(here, 'run-hearth.mjs'), String(stepsPerRun), String(threads), String(BATCH)], {
    encoding: 'utf8',
    env: { ...process.env, HEARTH_LOG_LEVEL: 'warn' },
  });
  const run = JSON.parse(out.trim().split('\n').pop());
  return { samplesPerSecond: run.samples_per_second, seconds: run.seconds, testAccuracy: run.test_accuracy, trainLoss: run.train_loss };
}

function torch() {
  const out = execFileSync('/usr/bin/python3', [join(here, 'torch_cnn.py'), '--threads', String(threads), '--batch-size', String(BATCH), '--epochs', '1'], {
    encoding: 'utf8',
  });
  const run = JSON.parse(out.trim().split('\n').pop());
  const [epoch] = run.epochs;
  return { samplesPerSecond: epoch.samples_per_second, seconds: epoch.seconds, testAccuracy: epoch.test_accuracy, trainLoss: epoch.train_loss, version: run.torch };
}

const runs = [];
for (let i = 0; i < repeat; i++) {
  for (const contender of contenders) {
    const result = { contender: contender.name, attempt: i + 1, ...contender.run() };
    process.stderr.write(`${JSON.stringify(result)}\n`);
    runs.push(result);
  }
}

const machine = machineInfo();
const best = (name) => Math.max(...runs.filter((r) => r.contender === name).map((r) => r.samplesPerSecond));
const summary = contenders.map((c) => ({ contender: c.name, bestSamplesPerSecond: best(c.name) }));
const [loop, step, py] = summary.map((s) => s.bestSamplesPerSecond);
const hearthLosses = new Set(runs.filter((r) => r.contender !== contenders[2].name).map((r) => r.trainLoss));
const rows = runs.map(
  (r) => `| ${r.contender} | ${r.attempt} | ${r.samplesPerSecond.toFixed(0)} | ${r.seconds.toFixed(1)} | ${r.trainLoss.toFixed(4)} | ${(r.testAccuracy * 100).toFixed(2)}% |`,
);
const markdown = [
  '# Training throughput: benchmark CNN on Fashion-MNIST, Hearth vs PyTorch',
  '',
  machineLine(machine),
  '',
  '`node tools/bench/train/bench.mjs` after `npm run build`. One epoch over all 60,000 training images of the',
  '`fashion_mnist_cnn` (conv 3x3x32, maxpool, conv 3x3x64, maxpool, dense 128, dense 10; 421,642 parameters),',
  `batch ${BATCH}, Adam lr 1e-3, ${threads} thread${threads === 1 ? '' : 's'} (ORT intra-op threads = torch.set_num_threads), on the CPU. Hearth runs`,
  '`trainCentralized` (@hearth/training): ORT sessions in a worker thread, batches gathered in a seeded order;',
  `the Loop program runs K = ${K} optimizer steps per \`session.run\`. PyTorch (tools/bench/train/torch_cnn.py) runs`,
  'the same architecture eagerly from in-memory tensors. Every measurement is a fresh process; test accuracy',
  'after the epoch is shown as a sanity check. The machine has 2 cores shared with other work, so absolute',
  'numbers are noisy; compare within one run.',
  '',
  '| contender | attempt | samples/s | seconds | train loss | test accuracy |',
  '| --- | ---: | ---: | ---: | ---: | ---: |',
  ...rows,
  '',
  ...(hearthLosses.size === 1 ? ['Both Hearth programs compute the same updates: every Hearth run ends with the same train loss and test accuracy.', ''] : []),
  `Best of ${repeat}: Loop ${loop.toFixed(0)} samples/s, one step per run ${step.toFixed(0)} samples/s (Loop ${(loop / step).toFixed(2)}x), PyTorch ${py.toFixed(0)} samples/s (Hearth Loop ${(loop / py).toFixed(2)}x PyTorch).`,
].join('\n');
const paths = await writeResults('train', { benchmark: 'train', machine, batchSize: BATCH, stepsPerRun: K, threads, repeat, runs, summary }, markdown);
process.stderr.write(`wrote ${paths.jsonPath} and ${paths.mdPath}\n`);
