// tools/bench/fl-fashion-mnist: the paper's Figure 4 on the full Fashion-MNIST with 8 clients, every
// configuration run for each seed of settings.mjs. (a) FedAvg at Dirichlet alpha 0.1, 0.5 and 1.0; (b) FedAvg,
// FedProx, FedOpt and SCAFFOLD at alpha 0.1, all with the same rounds and local epochs; and the centralized
// baseline with the same model and as many epochs. Jobs come from @hearth/templates and run in simulateJob, as
// `hearth job create` + `hearth simulate` would. Run after `npm run build`, in this order:
//   node tools/bench/fl-fashion-mnist/bench.mjs tune      # the grid of settings.mjs -> docs/benchmarks/fl-fashion-mnist.tuning.json
//   node tools/bench/fl-fashion-mnist/bench.mjs explore   # less local work, NVFlare's client optimizer -> fl-fashion-mnist.explore.json
//   node tools/bench/fl-fashion-mnist/bench.mjs           # the benchmark with the best of each grid
// Writes docs/benchmarks/fl-fashion-mnist.json and .md, fl-fashion-mnist-alpha.svg and fl-fashion-mnist-algorithms.svg;
// `bench.mjs report` redraws the markdown and the plots from the JSON without running anything.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { trainCentralized } from '@hearth/training';
import { machineInfo } from '../lib/machine.mjs';
import { writeResults } from '../lib/write-results.mjs';
import { describeOptions } from './describe-options.mjs';
import { curveSvg } from './plots.mjs';
import { report } from './report.mjs';
import { runSeeds } from './run-federated.mjs';
import { spread } from './seed-stats.mjs';
import { ALGORITHM_NAMES, ALPHAS, COMMON, COMPARE_ALPHA, EXPLORATION, ROUNDS, SEEDS, TAIL_ROUNDS, THREADS, TUNING_GRID, TUNING_ROUNDS, TUNING_SEEDS } from './settings.mjs';

const docs = join(dirname(fileURLToPath(import.meta.url)), '../../../docs/benchmarks');
const tuningPath = join(docs, 'fl-fashion-mnist.tuning.json');
const explorePath = join(docs, 'fl-fashion-mnist.explore.json');
const PLOTS = ['fl-fashion-mnist-alpha.svg', 'fl-fashion-mnist-algorithms.svg'];

async function readJson(path, hint) {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch {
    throw new Error(`${path} is missing: run \`node tools/bench/fl-fashion-mnist/bench.mjs ${hint}\` first`);
  }
}

/** Runs `configs` ({ template, options }) at COMPARE_ALPHA for TUNING_ROUNDS on each of `seeds`. */
async function runAtCompareAlpha(configs, seeds, workDir) {
  const runs = [];
  for (const { template, options } of configs) {
    runs.push(await runSeeds({ label: `${ALGORITHM_NAMES[template]}, ${describeOptions(options)}`, template, alpha: COMPARE_ALPHA, rounds: TUNING_ROUNDS, options, seeds, workDir }));
  }
  return runs;
}

const header = (name, seeds, started) => ({ benchmark: name, machine: machineInfo(), alpha: COMPARE_ALPHA, rounds: TUNING_ROUNDS, tailRounds: TAIL_ROUNDS, common: COMMON, seeds, wallSeconds: (performance.now() - started) / 1000 });

async function tune(workDir) {
  const started = performance.now();
  const trials = await runAtCompareAlpha(
    Object.entries(TUNING_GRID).flatMap(([template, grid]) => grid.map((options) => ({ template, options }))),
    TUNING_SEEDS,
    workDir,
  );
  const chosen = Object.fromEntries(
    Object.keys(TUNING_GRID).map((template) => [template, trials.filter((t) => t.template === template).reduce((a, t) => (t.tail.mean > a.tail.mean ? t : a)).options]),
  );
  await writeFile(tuningPath, `${JSON.stringify({ ...header('fl-fashion-mnist tuning', TUNING_SEEDS, started), trials, chosen }, null, 2)}\n`);
  process.stderr.write(`wrote ${tuningPath}\n`);
}

async function explore(workDir) {
  const started = performance.now();
  const trials = await runAtCompareAlpha(EXPLORATION, SEEDS, workDir);
  await writeFile(explorePath, `${JSON.stringify({ ...header('fl-fashion-mnist exploration', SEEDS, started), trials }, null, 2)}\n`);
  process.stderr.write(`wrote ${explorePath}\n`);
}

/** The centralized baseline for one seed: same model and initial weights, all 60,000 images, ROUNDS x localEpochs epochs. */
async function centralizedRun(seed, lr) {
  const settings = {
    model: { builtin: COMMON.model, hidden: COMMON.hidden, seed },
    dataset: { name: 'fashion-mnist' },
    epochs: ROUNDS * COMMON.localEpochs,
    batch_size: COMMON.batchSize,
    optimizer: { type: 'sgd', momentum: COMMON.momentum },
    lr,
    seed,
    steps_per_run: 8,
    execution_providers: ['cpu'],
    intra_op_threads: 1,
  };
  const started = performance.now();
  const { curve } = await trainCentralized(settings);
  const seconds = (performance.now() - started) / 1000;
  process.stderr.write(`centralized, seed ${seed}: final ${curve.at(-1).test_accuracy.toFixed(4)} in ${seconds.toFixed(0)} s\n`);
  return { seed, settings, finalAccuracy: curve.at(-1).test_accuracy, bestAccuracy: Math.max(...curve.map((p) => p.test_accuracy)), seconds, curve };
}

/** Drops the per-seed curves of tuning or exploration trials (they stay in their own JSON files). */
const withoutCurves = (trials) => trials.map((t) => ({ ...t, meanCurve: undefined, seeds: t.seeds.map((s) => ({ ...s, curve: undefined })) }));

async function benchmark(workDir) {
  const tuning = await readJson(tuningPath, 'tune');
  const exploration = await readJson(explorePath, 'explore');
  const { chosen } = tuning;
  const started = performance.now();
  const sameRuns = tuning.rounds === ROUNDS && tuning.alpha === COMPARE_ALPHA && JSON.stringify(tuning.common) === JSON.stringify(COMMON);
  const reuse = (template, alpha) =>
    (sameRuns && alpha === COMPARE_ALPHA ? tuning.trials.find((t) => t.template === template && JSON.stringify(t.options) === JSON.stringify(chosen[template]))?.seeds : undefined) ?? [];
  const runs = [];
  for (const alpha of ALPHAS) {
    runs.push({ panel: 'a', ...(await runSeeds({ label: `FedAvg, alpha ${alpha}`, template: 'fedavg', alpha, rounds: ROUNDS, options: chosen.fedavg, reuse: reuse('fedavg', alpha), workDir })) });
  }
  for (const template of ['fedprox', 'fedopt', 'scaffold']) {
    const label = `${ALGORITHM_NAMES[template]}, alpha ${COMPARE_ALPHA}`;
    runs.push({ panel: 'b', ...(await runSeeds({ label, template, alpha: COMPARE_ALPHA, rounds: ROUNDS, options: chosen[template], reuse: reuse(template, COMPARE_ALPHA), workDir })) });
  }
  const centralSeeds = [];
  for (const seed of SEEDS) centralSeeds.push(await centralizedRun(seed, chosen.fedavg.lr));
  const centralized = {
    lr: chosen.fedavg.lr,
    epochs: ROUNDS * COMMON.localEpochs,
    final: spread(centralSeeds.map((s) => s.finalAccuracy)),
    best: spread(centralSeeds.map((s) => s.bestAccuracy)),
    seconds: centralSeeds.reduce((a, s) => a + s.seconds, 0) / centralSeeds.length,
    seeds: centralSeeds,
  };
  await render({
    benchmark: 'fl-fashion-mnist',
    machine: machineInfo(),
    common: COMMON,
    rounds: ROUNDS,
    seeds: SEEDS,
    threads: THREADS,
    tailRounds: TAIL_ROUNDS,
    wallSeconds: (performance.now() - started) / 1000,
    chosen,
    runs,
    centralized,
    plots: PLOTS,
    tuning: { rounds: tuning.rounds, seeds: tuning.seeds, wallSeconds: tuning.wallSeconds, chosen, trials: withoutCurves(tuning.trials) },
    exploration: { rounds: exploration.rounds, wallSeconds: exploration.wallSeconds, trials: withoutCurves(exploration.trials) },
  });
}

/** Writes the JSON, the markdown and both plots from a benchmark's results (`bench.mjs report` redraws them from the JSON). */
async function render(results) {
  const { runs, centralized, plots } = results;
  const epochsPerRound = results.common.localEpochs;
  const centralCurve = {
    label: 'centralized',
    meanCurve: [
      { round: 0, accuracy: runs[0].meanCurve[0].accuracy },
      ...centralized.seeds[0].curve
        .map((p, i) => ({ epoch: p.epoch, accuracy: centralized.seeds.reduce((a, s) => a + s.curve[i].test_accuracy, 0) / centralized.seeds.length }))
        .filter((p) => p.epoch % epochsPerRound === 0)
        .map((p) => ({ round: p.epoch / epochsPerRound, accuracy: p.accuracy })),
    ],
  };
  const fedavg = runs.find((r) => r.template === 'fedavg' && r.alpha === COMPARE_ALPHA);
  const setup = `MLP, E = ${epochsPerRound}, mean of ${results.seeds.length} seeds`;
  await curveSvg({ docs, file: plots[0], title: `FedAvg on Fashion-MNIST, 8 clients, Dirichlet alpha (${setup})`, lines: [...runs.filter((r) => r.panel === 'a'), centralCurve] });
  await curveSvg({ docs, file: plots[1], title: `Algorithms at alpha = ${COMPARE_ALPHA}, 8 clients (${setup})`, lines: [fedavg, ...runs.filter((r) => r.panel === 'b'), centralCurve] });
  await writeResults('fl-fashion-mnist', results, report(results));
  process.stderr.write(`wrote docs/benchmarks/fl-fashion-mnist.{json,md} and ${plots.join(', ')}\n`);
}

const workDir = await mkdtemp(join(tmpdir(), 'hearth-bench-fl-'));
try {
  if (process.argv[2] === 'tune') await tune(workDir);
  else if (process.argv[2] === 'explore') await explore(workDir);
  else if (process.argv[2] === 'report') await render(JSON.parse(await readFile(join(docs, 'fl-fashion-mnist.json'), 'utf8')));
  else await benchmark(workDir);
} finally {
  await rm(workDir, { recursive: true, force: true });
}
