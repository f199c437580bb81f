// One federated run of the benchmark: a job folder written by @hearth/templates, run by simulateJob (what
// `hearth simulate` runs), and the final global model scored on the whole test split; and the same run
// repeated over the seeds.
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { readSafetensorsFile } from '@hearth/codec';
import { simulateJob, simulatedSiteNames } from '@hearth/runner';
import { writeTemplateJob } from '@hearth/templates';
import { evaluateModel } from '@hearth/training';
import { runMetrics, summarizeSeeds } from './seed-stats.mjs';
import { COMMON, SEEDS, THREADS } from './settings.mjs';

/**
 * Runs `template` at `alpha` for `rounds` with `options` on top of COMMON and `seed` (data split, initial
 * model and simulator run), in `workDir`. Returns the test accuracy of the global model after each round
 * (round 0 = the initial model): every site validates the model it receives on the whole test split
 * (test_split 'full'), so each round's val_accuracy is the global model's exact test accuracy, and the final
 * model is scored with evaluateModel.
 */
export async function runFederated({ label, template, alpha, rounds, options, seed, workDir }) {
  const name = `${label} seed ${seed}`.replace(/[^A-Za-z0-9.-]+/g, '-');
  const jobDir = join(workDir, name);
  await writeTemplateJob({ template, dir: jobDir, options: { ...COMMON, ...options, seed, alpha, rounds, name } });
  const started = performance.now();
  const result = await simulateJob({ jobDir, clients: simulatedSiteNames(COMMON.clients), threads: THREADS, workspaceDir: join(jobDir, 'workspace'), seed });
  if (result.status !== 'completed' || result.modelPath === undefined) throw new Error(`${label}, seed ${seed}: the run ended ${result.status}: ${result.error?.message ?? 'no model'}`);
  const { params } = await readSafetensorsFile(result.modelPath);
  const final = await evaluateModel({
    model: { builtin: COMMON.model, hidden: COMMON.hidden },
    params,
    dataset: { name: 'fashion-mnist' },
    executionProviders: ['cpu'],
    intraOpThreads: 1,
  });
  if (final.source === 'subset') throw new Error('the full Fashion-MNIST is not installed (Debian package dataset-fashion-mnist); the subset gives no benchmark');
  const seconds = (performance.now() - started) / 1000;
  const curve = [
    ...result.rounds.map((r, i) => ({ round: i, accuracy: r.metrics.val_accuracy, loss: r.metrics.val_loss })),
    { round: result.rounds.length, accuracy: final.accuracy, loss: final.loss },
  ];
  const run = { seed, seconds, ...runMetrics(curve), curve };
  process.stderr.write(`${label}, seed ${seed}: final ${final.accuracy.toFixed(4)} in ${seconds.toFixed(0)} s\n`);
  return run;
}

/**
 * {@link runFederated} once per seed of `seeds`: the per-seed curves and their summary (see summarizeSeeds).
 * `reuse` holds runs of this very configuration done before (a tuning trial with the same rounds), taken
 * instead of running their seeds again.
 */
export async function runSeeds({ label, template, alpha, rounds, options, workDir, seeds = SEEDS, reuse = [] }) {
  const runs = [];
  for (const seed of seeds) {
    const done = reuse.find((r) => r.seed === seed);
    runs.push(done === undefined ? await runFederated({ label, template, alpha, rounds, options, seed, workDir }) : { ...done, reused: true });
  }
  const config = { label, template, alpha, rounds, options, ...summarizeSeeds(runs), seeds: runs };
  process.stderr.write(`${JSON.stringify({ ...config, seeds: undefined, meanCurve: undefined })}\n`);
  return config;
}
