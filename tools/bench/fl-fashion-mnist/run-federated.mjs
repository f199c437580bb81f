// One federated run of the benchmark: a job folder written by @hearth/templates, run by simulateJob (what
// `hearth simulate` runs), and the final global model scored on the whole test split.
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { readSafetensorsFile } from '@hearth/codec';
import { simulateJob, simulatedSiteNames } from '@hearth/runner';
import { writeTemplateJob } from '@hearth/templates';
import { evaluateModel } from '@hearth/training';
import { COMMON, RUN_SEED, TAIL_ROUNDS, THREADS } from './settings.mjs';

/** Mean of the last TAIL_ROUNDS points of a curve. */
export function tailMean(curve) {
  const tail = curve.slice(-TAIL_ROUNDS);
  return tail.reduce((sum, p) => sum + p.accuracy, 0) / tail.length;
}

/**
 * Runs `template` at `alpha` for `rounds` with `options` on top of COMMON, in `workDir`. Returns the test
 * accuracy of the global model after each round (round 0 = the initial model): every site validates the
 * model it receives on the whole test split (test_split 'full'), so each round's val_accuracy is the global
 * model's exact test accuracy, and the final model is scored with evaluateModel.
 */
export async function runFederated({ label, template, alpha, rounds, options, workDir }) {
  const jobDir = join(workDir, label.replace(/[^A-Za-z0-9.-]+/g, '_'));
  await writeTemplateJob({ template, dir: jobDir, options: { ...COMMON, ...options, alpha, rounds, name: label.replace(/[^A-Za-z0-9.-]+/g, '-') } });
  const started = performance.now();
  const result = await simulateJob({ jobDir, clients: simulatedSiteNames(COMMON.clients), threads: THREADS, workspaceDir: join(jobDir, 'workspace'), seed: RUN_SEED });
  if (result.status !== 'completed' || result.modelPath === undefined) throw new Error(`${label}: the run ended ${result.status}: ${result.error?.message ?? 'no model'}`);
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
  const best = curve.reduce((a, p) => (p.accuracy > a.accuracy ? p : a));
  const run = { label, template, alpha, rounds, options, finalAccuracy: final.accuracy, bestAccuracy: best.accuracy, bestRound: best.round, tailMean: tailMean(curve), seconds, curve };
  process.stderr.write(`${JSON.stringify({ ...run, curve: undefined })}\n`);
  return run;
}
