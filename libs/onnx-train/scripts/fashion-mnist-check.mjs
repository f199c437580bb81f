// Trains the built-in Fashion-MNIST CNN on the full data set and prints one JSON line per epoch (test
// accuracy included). It backs the numbers in ../README.md; it is a benchmark, not a test.
//
//   npx tsc -b libs/onnx-train/tsconfig.lib.json
//   node libs/onnx-train/scripts/fashion-mnist-check.mjs [epochs=5] [threads=1] [data=/usr/share/datasets/fashion-mnist]
//
// Data: the Debian package dataset-fashion-mnist (gzipped IDX files). Runs the compiled Loop program
// (K = 8 mini-batches of 64 per session.run), Adam lr 1e-3, with onnxruntime-node on the CPU.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import * as ort from 'onnxruntime-node';
import { SeededRandom } from '@hearth/core';
import { compileEval, compileTrainLoop, fashionMnistCnn } from '../dist/index.js';

const [epochs = 5, threads = 1] = process.argv.slice(2, 4).map(Number);
const dir = process.argv[4] ?? '/usr/share/datasets/fashion-mnist';
const K = 8;
const B = 64;
const MEAN = 0.286;
const STD = 0.353;

function images(name) {
  const bytes = gunzipSync(readFileSync(`${dir}/${name}`));
  const count = bytes.readUInt32BE(4);
  const pixels = bytes.subarray(16);
  const data = new Float32Array(count * 784);
  for (let i = 0; i < data.length; i++) data[i] = (pixels[i] / 255 - MEAN) / STD;
  return { count, data };
}

function labels(name) {
  return BigInt64Array.from(gunzipSync(readFileSync(`${dir}/${name}`)).subarray(8), (v) => BigInt(v));
}

const toOrt = (t) => new ort.Tensor(t.dtype === 'F32' ? 'float32' : 'int64', t.data, t.shape);
const train = images('train-images-idx3-ubyte.gz');
const trainLabels = labels('train-labels-idx1-ubyte.gz');
const test = images('t10k-images-idx3-ubyte.gz');
const testLabels = labels('t10k-labels-idx1-ubyte.gz');

const model = fashionMnistCnn({ seed: 0 });
const program = compileTrainLoop(model, { optimizer: { type: 'adam' } });
const evaluation = compileEval(model);
const options = { executionProviders: ['cpu'], intraOpNumThreads: threads, interOpNumThreads: 1 };
const session = await ort.InferenceSession.create(program.model, options);
const evalSession = await ort.InferenceSession.create(evaluation.model, options);

const feeds = {};
for (const p of program.params) feeds[p.input] = toOrt(model.params.get(p.name));
for (const s of program.state) {
  feeds[s.input] =
    s.slot === 'step' ? new ort.Tensor('int64', new BigInt64Array(1), []) : new ort.Tensor('float32', new Float32Array(s.shape.reduce((a, d) => a * d, 1)), s.shape);
}
for (const h of program.hyper) feeds[h.input] = new ort.Tensor('float32', Float32Array.of(h.default), []);
const fetches = [...program.params.filter((p) => p.output).map((p) => p.output), ...program.state.map((s) => s.output), program.outputs.loss, program.outputs.correct];
const random = new SeededRandom(12345);

for (let epoch = 1; epoch <= epochs; epoch++) {
  const order = Array.from({ length: train.count }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random.nextFloat() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const started = Date.now();
  let steps = 0;
  let lossSum = 0;
  for (let start = 0; start + K * B <= train.count; start += K * B) {
    const x = new Float32Array(K * B * 784);
    const y = new BigInt64Array(K * B);
    for (let i = 0; i < K * B; i++) {
      const s = order[start + i];
      x.set(train.data.subarray(s * 784, s * 784 + 784), i * 784);
      y[i] = trainLabels[s];
    }
    feeds[program.batch.x.input] = new ort.Tensor('float32', x, [K, B, 1, 28, 28]);
    feeds[program.batch.y.input] = new ort.Tensor('int64', y, [K, B]);
    const out = await session.run(feeds, fetches);
    for (const p of program.params) if (p.output) feeds[p.input] = out[p.output];
    for (const s of program.state) feeds[s.input] = out[s.output];
    for (const v of out[program.outputs.loss].data) lossSum += v;
    steps += K;
  }
  const seconds = (Date.now() - started) / 1000;
  const evalFeeds = {};
  for (const p of evaluation.params) evalFeeds[p.input] = feeds[p.input];
  let correct = 0;
  for (let s = 0; s < test.count; s += 500) {
    evalFeeds[evaluation.batch.x.input] = new ort.Tensor('float32', test.data.subarray(s * 784, (s + 500) * 784), [500, 1, 28, 28]);
    evalFeeds[evaluation.batch.y.input] = new ort.Tensor('int64', testLabels.subarray(s, s + 500), [500]);
    const out = await evalSession.run(evalFeeds, [evaluation.outputs.correct]);
    correct += Number(out[evaluation.outputs.correct].data[0]);
  }
  console.log(JSON.stringify({ epoch, steps, seconds, stepsPerSecond: steps / seconds, trainLoss: lossSum / steps, testAccuracy: correct / test.count }));
}
await session.release();
await evalSession.release();
