// The benchmark's markdown: protocol, per-seed and seed-mean results, the paper's claims checked against the
// seed means, the exploration of local work per round and the tuning grid, every trial listed.
import { machineLine } from '../lib/machine.mjs';
import { describeOptions } from './describe-options.mjs';
import { pairedDifference } from './seed-stats.mjs';
import { ALGORITHM_NAMES, ALPHAS, COMPARE_ALPHA } from './settings.mjs';

const pct = (v) => `${(v * 100).toFixed(2)}%`;
const pts = (v) => `${v >= 0 ? '+' : ''}${(v * 100).toFixed(2)}`;
const meanSd = (s) => (s.values.length > 1 ? `${pct(s.mean)} ± ${(s.sd * 100).toFixed(2)}` : pct(s.mean));
const perSeed = (s) => s.values.map((v) => (v * 100).toFixed(2)).join(' / ');
const wins = (d) => `${d.values.filter((v) => v > 0).length} of ${d.values.length} seeds`;

/** "x ± sd pts (per seed a / b / c), k of n seeds" for the per-seed differences `d`. */
const diffText = (d) => `${pts(d.mean)} ± ${(d.sd * 100).toFixed(2)} pts (per seed ${d.values.map(pts).join(' / ')}; ahead on ${wins(d)})`;

/** Lower alpha, lower FedAvg accuracy: every pair of alphas, on the seed means and seed by seed. */
function alphaClaim(byAlpha, key, name) {
  const pairs = byAlpha.flatMap((low, i) =>
    byAlpha.slice(i + 1).map((high) => {
      const d = pairedDifference(high, low, key);
      return `${low.alpha} < ${high.alpha} ${low[key].mean < high[key].mean ? 'holds' : 'does not hold'} (${pts(d.mean)} pts, on ${wins(d)})`;
    }),
  );
  return `${name} ${byAlpha.map((r) => `${r.alpha}: ${meanSd(r[key])}`).join(', ')}: ${pairs.join(', ')}`;
}

function claims({ runs, centralized, rounds, tailRounds }) {
  const byAlpha = ALPHAS.map((alpha) => runs.find((r) => r.template === 'fedavg' && r.alpha === alpha));
  const fedavg = byAlpha.find((r) => r.alpha === COMPARE_ALPHA);
  const ordered = byAlpha.every((r, i) => i === 0 || byAlpha[i - 1].tail.mean < r.tail.mean);
  const beats = (template) => {
    const run = runs.find((r) => r.template === template);
    return `${ALGORITHM_NAMES[template]} ${run.tail.mean > fedavg.tail.mean ? 'beats' : 'does not beat'} FedAvg (${pts(run.tail.mean - fedavg.tail.mean)} pts)`;
  };
  const lines = [
    `**In short** (seed means of the last-${tailRounds}-round mean): lower alpha gives lower FedAvg accuracy: ${ordered ? 'holds' : 'does not hold'} ` +
      `(${byAlpha.map((r) => `${r.alpha}: ${pct(r.tail.mean)}`).join(', ')}); at alpha ${COMPARE_ALPHA} ${beats('fedopt')} and ${beats('scaffold')}; ` +
      `the gap of FedAvg at alpha ${COMPARE_ALPHA} to centralized training is ${pts(fedavg.tail.mean - centralized.final.mean)} pts. The lines below give the seed-by-seed numbers.`,
    '',
    `- **Lower alpha, lower FedAvg accuracy** (seed means ± sd): ${alphaClaim(byAlpha, 'tail', `last-${tailRounds}-round mean`)}; ` +
      `${alphaClaim(byAlpha, 'final', 'final')}.`,
  ];
  for (const template of ['scaffold', 'fedopt', 'fedprox']) {
    const run = runs.find((r) => r.template === template);
    const tail = pairedDifference(run, fedavg, 'tail');
    lines.push(
      `- **${ALGORITHM_NAMES[template]} vs FedAvg at alpha ${COMPARE_ALPHA}**: last-${tailRounds}-round mean ${meanSd(run.tail)} vs ${meanSd(fedavg.tail)}, ` +
        `${diffText(tail)}: ${tail.mean > 0 ? 'beats' : 'does not beat'} FedAvg on the seed mean. ` +
        `Final ${diffText(pairedDifference(run, fedavg, 'final'))}; mean over rounds 1-${rounds} (speed of convergence) ${diffText(pairedDifference(run, fedavg, 'roundsMean'))}.`,
    );
  }
  const gap = (r) => `${r.label} ${pts(r.tail.mean - centralized.final.mean)} pts (last-${tailRounds} mean), ${pts(r.final.mean - centralized.final.mean)} pts (final)`;
  lines.push(
    `- **Gap to centralized** (${meanSd(centralized.final)} after ${centralized.epochs} epochs, seed mean; best epoch ${meanSd(centralized.best)}): ${runs.map(gap).join('; ')}.`,
  );
  return lines;
}

function resultRows(runs, fedavg) {
  const row = (r, panel) =>
    `| ${panel} | ${r.label} | ${describeOptions(r.options)} | ${perSeed(r.tail)} | ${meanSd(r.tail)} | ${perSeed(r.final)} | ${meanSd(r.final)} | ${meanSd(r.best)} | ${meanSd(r.roundsMean)} | ${r.seconds.toFixed(0)} |`;
  return [...runs.filter((r) => r.panel === 'a').map((r) => row(r, 'a')), row(fedavg, 'b'), ...runs.filter((r) => r.panel === 'b').map((r) => row(r, 'b'))];
}

/** The seed-mean curves every fifth of the run. */
function curveTable(runs, rounds) {
  const step = Math.max(1, Math.round(rounds / 5));
  const shown = (curve) => curve.filter((p) => p.round % step === 0 || p.round === rounds);
  return [
    `| run | ${shown(runs[0].meanCurve).map((p) => `r${p.round}`).join(' | ')} |`,
    `| --- | ${shown(runs[0].meanCurve).map(() => '---:').join(' | ')} |`,
    ...runs.map((r) => `| ${r.label} | ${shown(r.meanCurve).map((p) => pct(p.accuracy)).join(' | ')} |`),
  ];
}

const trialRow = (t, mark) => `| ${t.label} | ${perSeed(t.tail)} | ${meanSd(t.tail)} | ${meanSd(t.final)} | ${meanSd(t.roundsMean)} | ${t.seconds.toFixed(0)} |${mark} |`;

/**
 * Each exploration trial beside the run with the same options at the benchmark's local epochs: the benchmark's
 * own run at alpha COMPARE_ALPHA when it has the exploration's rounds (all seeds), else the tuning trial.
 */
function explorationRows({ exploration, tuning, runs, common }) {
  const key = (t) => `${t.template} ${describeOptions({ ...t.options, localEpochs: undefined })}`;
  const twins = new Map([
    ...tuning.trials.map((t) => [key(t), { run: t, mark: ` tuning trial, E ${common.localEpochs}, seed ${tuning.seeds.join(', ')}` }]),
    ...runs
      .filter((r) => r.alpha === COMPARE_ALPHA && r.rounds === exploration.rounds)
      .map((r) => [key(r), { run: { ...r, label: `${ALGORITHM_NAMES[r.template]}, ${describeOptions(r.options)}` }, mark: ` benchmark run, E ${common.localEpochs}` }]),
  ]);
  return exploration.trials.flatMap((t) => {
    const twin = twins.get(key(t));
    return twin === undefined ? [trialRow(t, '')] : [trialRow(t, ''), trialRow(twin.run, twin.mark)];
  });
}

const sameOptions = (a, b) => describeOptions({ ...a.options, localEpochs: undefined }) === describeOptions({ ...b.options, localEpochs: undefined });

/**
 * What the exploration says, from its numbers: the paired lead of SCAFFOLD and FedOpt over FedAvg with 2 local
 * epochs and, for the same options and rounds, with the benchmark's (its runs, else the tuning trials); and
 * SCAFFOLD against FedAvg with NVFlare's client optimizer (momentum 0.9).
 */
function explorationFindings({ exploration, tuning, runs, common, tailRounds }) {
  const find = (template, test) => exploration.trials.find((t) => t.template === template && test(t.options));
  const plain = (o) => o.momentum === undefined;
  const fedavgLess = find('fedavg', plain);
  const atMore = (less, fedavg) => {
    const same = (list) => [list.find((r) => r.template === less.template && sameOptions(r, less)), list.find((r) => r.template === 'fedavg' && sameOptions(r, fedavg))];
    const [run, base] = same(runs.filter((r) => r.alpha === COMPARE_ALPHA && r.rounds === exploration.rounds));
    if (run !== undefined && base !== undefined) return `${diffText(pairedDifference(run, base, 'tail'))} with ${common.localEpochs} (the benchmark's runs)`;
    const [trial, baseTrial] = same(tuning.rounds === exploration.rounds ? tuning.trials : []);
    if (trial === undefined || baseTrial === undefined) return `no run with ${common.localEpochs} local epochs and these options`;
    return `${diffText(pairedDifference(trial, baseTrial, 'tail'))} with ${common.localEpochs} (the tuning trials, seed ${tuning.seeds.join(', ')})`;
  };
  const lines = [];
  for (const template of ['scaffold', 'fedopt']) {
    const less = find(template, plain);
    if (fedavgLess === undefined || less === undefined) continue;
    lines.push(
      `- ${ALGORITHM_NAMES[template]} (${describeOptions({ ...less.options, localEpochs: undefined })}) minus FedAvg (${describeOptions({ ...fedavgLess.options, localEpochs: undefined })}), last-${tailRounds}-round mean: ` +
        `${diffText(pairedDifference(less, fedavgLess, 'tail'))} with ${less.options.localEpochs} local epochs; ${atMore(less, fedavgLess)}.`,
    );
  }
  const fedavgMomentum = find('fedavg', (o) => o.momentum !== undefined);
  const scaffoldMomentum = find('scaffold', (o) => o.momentum !== undefined);
  if (fedavgMomentum !== undefined && scaffoldMomentum !== undefined) {
    lines.push(
      `- With NVFlare's client optimizer (${describeOptions(scaffoldMomentum.options)}) SCAFFOLD reaches ${meanSd(scaffoldMomentum.tail)} (last-${tailRounds} mean) against FedAvg's ${meanSd(fedavgMomentum.tail)}` +
        ` with the same optimizer: ${diffText(pairedDifference(scaffoldMomentum, fedavgMomentum, 'tail'))}.`,
    );
  }
  return lines;
}

/** The markdown of a benchmark's results. */
export function report(results) {
  const { machine, runs, centralized, tuning, exploration, plots, wallSeconds, common, rounds, seeds, threads, tailRounds } = results;
  const fedavg = runs.find((r) => r.template === 'fedavg' && r.alpha === COMPARE_ALPHA);
  const head = (what, of) => `| ${what} | last-${tailRounds} mean, seed${of.length > 1 ? 's' : ''} ${of.join(' / ')} | last-${tailRounds} mean${of.length > 1 ? ' ± sd' : ''} | final${of.length > 1 ? ' ± sd' : ''} | mean over rounds${of.length > 1 ? ' ± sd' : ''} | seconds per run | |`;
  return [
    "# Federated algorithms on Fashion-MNIST (the paper's Figure 4)",
    '',
    machineLine(machine),
    '',
    '`node tools/bench/fl-fashion-mnist/bench.mjs` after `npm run build` and after `bench.mjs tune` and `bench.mjs explore`. Every run is a',
    'job folder written by @hearth/templates (`hearth job create`) and run by `simulateJob` (`hearth simulate`) in one process:',
    '',
    `- **Data**: the full Fashion-MNIST (60,000 training, 10,000 test images, standardized), training split over ${common.clients} clients`,
    '  by a Dirichlet(alpha) draw over labels. Every client validates the global model it receives on all 10,000 test images',
    "  (`test_split: full`), so each round's `val_accuracy` is the exact test accuracy of the global model; the final model is",
    '  scored with `evaluateModel`. Accuracy "after round r" is that of the global model after r rounds.',
    `- **Seeds**: every configuration runs for seeds ${seeds.join(', ')}; seed s is the seed of the data split, of the initial weights and`,
    `  of the simulator run (client shuffles). The tables give each seed and the mean ± sample standard deviation over the seeds;`,
    `  the verdicts use the seed means of the **mean test accuracy of the last ${tailRounds} rounds** (one round's accuracy moves by`,
    '  about 2 points at alpha 0.1) and give the final accuracy too. Differences between algorithms are paired by seed (same split and',
    '  initial model).',
    `- **Model**: the built-in \`mlp\` (784-${common.hidden.join('-')}-10, ReLU; 101,770 weights), not the CNN: on this 2-core machine the CNN trains`,
    '  at about 1,000 samples/s (docs/benchmarks/train.md), 30 to 40 times slower. The paper used a CNN on CIFAR-10; the MLP on',
    '  Fashion-MNIST is an easier task with a smaller gap between algorithms.',
    `- **Clients**: ${common.localEpochs} local epochs per round (as in NVFlare's CIFAR-10 experiment behind the figure), batch ${common.batchSize}, plain SGD`,
    `  (momentum ${common.momentum}) for every algorithm, as in the FedProx, SCAFFOLD and FedOpt papers; CPU, one ORT thread per session.`,
    "  NVFlare's clients use momentum 0.9; the exploration runs FedAvg and SCAFFOLD with it.",
    `- **Server**: ${rounds} rounds (NVFlare ran 50; fewer here for time, the 2 cores being shared with other benchmarks), all ${common.clients} clients`,
    `  every round, ${threads} simulator threads. FedOpt = ScatterAndGather with a ServerOptimizer on`,
    '  the mean update; SCAFFOLD = ScatterAndGatherScaffold (option II control variates, eta_g = 1, the control variates averaged with',
    "  the model's weights, the clients' sample counts).",
    `- **Centralized baseline**: \`trainCentralized\`, same model and initial weights, all 60,000 images, ${rounds} x ${common.localEpochs} = ${centralized.epochs} epochs,`,
    `  batch ${common.batchSize}, SGD lr ${centralized.lr} (FedAvg's), momentum ${common.momentum}, once per seed.`,
    `- **Wall time** of this run (${runs.length} configurations x ${seeds.length} seeds, less the runs reused from the tuning, and the baseline): ${(wallSeconds / 60).toFixed(0)} minutes;`,
    `  tuning ${(tuning.wallSeconds / 60).toFixed(0)} and exploration ${(exploration.wallSeconds / 60).toFixed(0)} minutes before it, on 2 cores shared with other work.`,
    '',
    `## Results (${rounds} rounds x ${common.localEpochs} local epochs, seeds ${seeds.join(', ')})`,
    '',
    `| panel | run | hyper-parameters | last-${tailRounds} mean, seeds ${seeds.join(' / ')} | last-${tailRounds} mean ± sd | final, seeds ${seeds.join(' / ')} | final ± sd | best round ± sd | mean over rounds 1-${rounds} ± sd | seconds per run |`,
    '| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...resultRows(runs, fedavg),
    `| - | centralized | SGD lr ${centralized.lr}, ${centralized.epochs} epochs | - | - | ${perSeed(centralized.final)} | ${meanSd(centralized.final)} | ${meanSd(centralized.best)} | - | ${centralized.seconds.toFixed(0)} |`,
    '',
    ...claims(results),
    '',
    `Plots (seed-mean curves): [${plots[0]}](${plots[0]}) (panel a) and [${plots[1]}](${plots[1]}) (panel b); the centralized curve is drawn at round r = ${common.localEpochs}r epochs.`,
    '',
    '### Test accuracy of the global model after round r (mean of the seeds)',
    '',
    ...curveTable(runs, rounds),
    '',
    '## What changed SCAFFOLD\'s result',
    '',
    'The first run of this protocol (same settings and seeds, run 2026-11-29 14:56; not committed, its numbers quoted here) had SCAFFOLD 2.00 ± 0.72 points behind',
    'FedAvg (77.25% against 79.25%, last-5 mean), and SCAFFOLD with momentum 0.9 collapsing to 35%. Two faults in Hearth, both fixed before',
    'this run: (1) the server averaged the control variates uniformly while it averages the models by sample count, so the corrections',
    'c − c_i did not cancel in the aggregate and every round moved the model by c − Σ w_i c_i, large under a skewed split; c is now averaged',
    'with the model\'s weights (libs/algorithms `ScaffoldControlVariates`); (2) under SGD momentum m the clients estimated their gradients',
    'from (x − y)/(Kη), 1/(1 − m) times too large; they now use the step η/(1 − m) (libs/training `scaffoldStepSize`).',
    '',
    '## Exploration: local work per round and the client optimizer',
    '',
    `At alpha ${COMPARE_ALPHA}, seeds ${seeds.join(', ')}, ${exploration.rounds} rounds (\`bench.mjs explore\`, ${(exploration.wallSeconds / 60).toFixed(0)} minutes): entries of the tuning grid with 2 local epochs`,
    `per round instead of ${common.localEpochs}, each beside the same configuration at ${common.localEpochs} epochs (the benchmark's run, or the tuning trial where the`,
    "benchmark did not choose it), and NVFlare's client optimizer (SGD lr 0.01, momentum 0.9) for FedAvg and SCAFFOLD.",
    '',
    head('configuration', seeds),
    '| --- | ---: | ---: | ---: | ---: | ---: | --- |',
    ...explorationRows(results),
    '',
    ...explorationFindings(results),
    '',
    '## Tuning',
    '',
    `Each algorithm's hyper-parameters are the best of a grid of the same size (settings.mjs), every trial run at alpha ${COMPARE_ALPHA} for seed${tuning.seeds.length > 1 ? 's' : ''}`,
    `${tuning.seeds.join(', ')} with the benchmark's clients, model, local epochs and rounds (\`bench.mjs tune\`, ${(tuning.wallSeconds / 60).toFixed(0)} minutes), ranked by the`,
    `${tuning.seeds.length > 1 ? 'seed mean of the ' : ''}last-${tailRounds}-round mean. There is no separate validation split, so the grid is ranked on the test split, as much`,
    "of the federated-learning literature does. A chosen trial is the benchmark's run of that configuration and seed and is reused there",
    `(\`reused\` in the JSON), so ${tuning.seeds.length > 1 ? 'seeds' : 'seed'} ${tuning.seeds.join(', ')} of panel (b) ${tuning.seeds.length > 1 ? 'carry' : 'carries'} the selection of the best of the grid, for every`,
    `algorithm alike; seeds ${seeds.filter((s) => !tuning.seeds.includes(s)).join(' and ')} are fresh runs, outside the selection. FedAvg's choice is also used at alpha 0.5 and 1.0`,
    'and for the centralized run.',
    'Every trial:',
    '',
    head('trial', tuning.seeds),
    '| --- | ---: | ---: | ---: | ---: | ---: | --- |',
    ...tuning.trials.map((t) => trialRow(t, describeOptions(tuning.chosen[t.template]) === describeOptions(t.options) ? ' chosen' : '')),
  ].join('\n');
}
