// tools/bench/daemon-round: a whole FedAvg round of a very large model through the real daemons. `hearth poc`
// starts a server and 2 clients on 127.0.0.1 (TLS, grpc or ws); a job of `--rounds` rounds over a float32
// model of `--gib` GiB (4 tensors) runs through them: the server streams the global model to both clients,
// each adds its constant to every weight in place and streams the result back, and the server aggregates
// (WeightedAggregator with float32 sums). Tasks and results above the daemons' spool threshold (1 GiB) go to
// disk as they arrive and are read back a slice at a time, so no process holds a model twice. Measures the
// peak RSS (VmHWM) of each job process against the issue's targets and checks every weight of the final model.
// Run after `npm run build` (4 GiB, 2 rounds, one driver: about 5-10 minutes on 2 cores; needs ~20 GiB of
// memory and ~30 GiB of free disk under tmp/):
//   node tools/bench/daemon-round/bench.mjs [--gib 4] [--rounds 2] [--drivers ws,grpc] [--name daemon-round] [--spool-above-mib N]
// Writes docs/benchmarks/<name>.json and .md.
import { execFile } from 'node:child_process';
import { copyFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { readSafetensorsFile } from '@hearth/codec';
import { machineInfo, machineLine } from '../lib/machine.mjs';
import { writeResults } from '../lib/write-results.mjs';
import { watchJobProcesses } from './rss-monitor.mjs';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '../../..');
const cli = join(repo, 'apps/cli/bin/hearth.js');
const MiB = 2 ** 20;
const GiB = 2 ** 30;
const ROW = 1024;
const TENSORS = 4;
const SITES = ['site-1', 'site-2'];

const { values: args } = parseArgs({
  options: {
    gib: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '2' },
    drivers: { type: 'string', default: 'ws' },
    name: { type: 'string', default: 'daemon-round' },
    'spool-above-mib': { type: 'string' },
  },
});
const modelBytes = Number(args.gib) * GiB;
const rounds = Number(args.rounds);
const rows = modelBytes / TENSORS / 4 / ROW;
if (!Number.isSafeInteger(rows) || rows < 1) throw new Error(`--gib ${args.gib} does not split into ${TENSORS} tensors of [rows, ${ROW}] float32`);
if (!Number.isSafeInteger(rounds) || rounds < 1) throw new Error(`--rounds must be a positive integer, got ${args.rounds}`);

async function hearth(...argv) {
  const { stdout } = await run(process.execPath, [cli, ...argv], { maxBuffer: 64 * MiB });
  return stdout;
}

/** The job: a zero model of TENSORS float32 tensors, FedAvg over both sites with float32 sums, the custom executor. */
async function writeJob(dir) {
  const tensors = Object.fromEntries(Array.from({ length: TENSORS }, (_, t) => [`layer${t}.weight`, { dtype: 'F32', shape: [rows, ROW] }]));
  await mkdir(join(dir, 'app/config'), { recursive: true });
  await mkdir(join(dir, 'custom'), { recursive: true });
  await copyFile(join(here, 'add-site-constant.mjs'), join(dir, 'custom/add-site-constant.mjs'));
  await writeFile(join(dir, 'meta.json'), JSON.stringify({ name: 'daemon-round', deploy_map: { app: ['@ALL'] }, min_clients: SITES.length }));
  await writeFile(
    join(dir, 'app/config/config_fed_server.json'),
    JSON.stringify({
      format_version: 2,
      components: [
        { id: 'persistor', type: 'SafetensorsPersistor', args: { initial_params: tensors } },
        { id: 'aggregator', type: 'WeightedAggregator', args: { expected_data_kind: 'WEIGHTS', sum_dtype: 'F32' } },
      ],
      workflows: [
        {
          id: 'scatter_and_gather',
          type: 'ScatterAndGather',
          args: { min_clients: SITES.length, num_rounds: rounds, wait_time_after_min_received: 0, train_task_name: 'train', aggregator_id: 'aggregator', persistor_id: 'persistor' },
        },
      ],
    }),
  );
  await writeFile(
    join(dir, 'app/config/config_fed_client.json'),
    JSON.stringify({ format_version: 2, executors: [{ tasks: ['train'], executor: { id: 'trainer', type: './custom/add-site-constant.mjs#AddSiteConstant', args: {} } }] }),
  );
}

async function find(dir, name) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isFile() && entry.name === name) return path;
    if (entry.isDirectory()) {
      const found = await find(path, name);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** Every weight of the final model must be rounds × the mean of the sites' constants (1 and 2). */
async function checkFinalModel(path) {
  const expected = rounds * 1.5;
  const { params } = await readSafetensorsFile(path);
  let wrong = 0;
  let first;
  for (const [name, t] of params) {
    for (let i = 0; i < t.data.length; i += 1) {
      if (t.data[i] !== expected) {
        wrong += 1;
        first ??= `${name}[${i}] = ${t.data[i]}`;
      }
    }
  }
  return { expected, tensors: params.size, bytes: [...params.values()].reduce((s, t) => s + t.data.byteLength, 0), wrong, firstWrong: first ?? null };
}

async function measure(driver, root) {
  const poc = join(root, 'poc');
  const job = join(root, 'job');
  await writeJob(job);
  await hearth('poc', 'prepare', '-n', String(SITES.length), '-w', poc, '--driver', driver, '--port', '0', '--admin-port', '0');
  if (args['spool-above-mib'] !== undefined) {
    for (const participant of ['server', ...SITES]) {
      const path = join(poc, participant, 'config.json');
      const config = JSON.parse(await readFile(path, 'utf8'));
      await writeFile(path, JSON.stringify({ ...config, spool_above_bytes: Number(args['spool-above-mib']) * MiB }));
    }
  }
  const started = JSON.parse(await hearth('poc', 'start', '-w', poc, '--json'));
  const pids = Object.fromEntries(started.participants.map((p) => [p.name, p.pid]));
  try {
    const monitor = watchJobProcesses(pids);
    const begin = performance.now();
    let record;
    try {
      record = JSON.parse(await hearth('poc', 'submit', job, '-w', poc, '--watch', '--json'));
    } catch (err) {
      monitor.stop();
      throw new Error(`the job did not complete: ${err.stderr ?? err.message}`);
    }
    const seconds = (performance.now() - begin) / 1000;
    const peaks = monitor.stop();
    await hearth('poc', 'stop', '-w', poc);
    const finalModel = await find(join(poc, 'server'), 'final.safetensors');
    const check = finalModel === undefined ? { wrong: -1, firstWrong: 'no final.safetensors' } : await checkFinalModel(finalModel);
    const clientPeak = Math.max(...SITES.map((s) => peaks[s] ?? 0));
    return {
      driver,
      status: record.status,
      seconds,
      serverJobPeakRssBytes: peaks.server ?? null,
      clientJobPeakRssBytes: Object.fromEntries(SITES.map((s) => [s, peaks[s] ?? null])),
      targets: {
        clientUnderModelPlus512MiB: clientPeak > 0 && clientPeak < modelBytes + 512 * MiB,
        serverUnder2ModelsPlus512MiB: (peaks.server ?? Infinity) < 2 * modelBytes + 512 * MiB,
      },
      finalModel: check,
    };
  } finally {
    await hearth('poc', 'stop', '-w', poc).catch(() => undefined);
  }
}

const runs = [];
for (const driver of args.drivers.split(',')) {
  const root = join(repo, 'tmp', `bench-daemon-round-${driver}-${process.pid}`);
  process.stderr.write(`${driver}: ${args.gib} GiB × ${SITES.length} clients × ${rounds} rounds ... `);
  try {
    const result = await measure(driver, root);
    runs.push(result);
    const gib = (b) => (b / GiB).toFixed(2);
    process.stderr.write(
      `${result.status} in ${result.seconds.toFixed(0)} s, server job ${gib(result.serverJobPeakRssBytes)} GiB, clients ${SITES.map((s) => gib(result.clientJobPeakRssBytes[s])).join(' / ')} GiB, wrong weights ${result.finalModel.wrong}\n`,
    );
  } catch (err) {
    runs.push({ driver, error: err.message });
    process.stderr.write(`failed: ${err.message}\n`);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

const machine = machineInfo();
const mib = (b) => (b === null || b === undefined ? 'n/a' : (b / MiB).toFixed(0));
const yes = (flag) => (flag ? 'yes' : '**no**');
const rowsMd = runs.map((r) =>
  r.error !== undefined
    ? `| ${r.driver} | failed: ${r.error.replaceAll('|', '/').replaceAll('\n', ' ')} | | | | | | |`
    : `| ${r.driver} | ${r.status} | ${r.seconds.toFixed(0)} | ${mib(r.serverJobPeakRssBytes)} (target < ${mib(2 * modelBytes + 512 * MiB)}) | ${SITES.map((s) => mib(r.clientJobPeakRssBytes[s])).join(' / ')} (target < ${mib(modelBytes + 512 * MiB)}) | ${yes(r.targets.serverUnder2ModelsPlus512MiB)} / ${yes(r.targets.clientUnderModelPlus512MiB)} | ${r.finalModel.wrong === 0 ? `all ${r.finalModel.bytes / 4} weights = ${r.finalModel.expected}` : `**${r.finalModel.wrong} wrong** (${r.finalModel.firstWrong})`} |`,
);
const markdown = [
  '# A FedAvg round of a very large model through the daemons',
  '',
  machineLine(machine),
  '',
  `\`node tools/bench/daemon-round/bench.mjs --gib ${args.gib} --rounds ${rounds} --drivers ${args.drivers}\` after \`npm run build\`. \`hearth poc\` starts`,
  `a server and ${SITES.length} client daemons on 127.0.0.1 (TLS); the job runs ${rounds} FedAvg rounds of a float32 model of ${args.gib} GiB`,
  `(${TENSORS} tensors of [${rows}, ${ROW}]) starting from zeros. Each client adds its site number to every weight in place and returns`,
  'the same tensors; the server aggregates with `WeightedAggregator` (`sum_dtype: F32`). Payloads above the daemons\' spool threshold',
  '(`spool_above_bytes`, 1 GiB by default) stream to a file as they arrive; a client reads its task from the file into one copy of the model,',
  'and the server folds each result into the running sum a 4 MiB slice at a time, so no job process holds a model twice. From round 2 on',
  'the server holds the global model (the previous mean, resident) and the sum. Peak RSS is each job process\'s VmHWM, read from /proc',
  'every 200 ms while it runs. The final model is read back and every weight compared with the exact expected value.',
  '',
  'Targets (issue "Network runtime"): peak RSS under model + 512 MiB on each client and under 2 × model + 512 MiB on the server.',
  '',
  '| driver | job status | seconds | server job peak RSS (MiB) | client job peak RSS (MiB) | targets met (server / clients) | final model |',
  '| --- | --- | ---: | --- | --- | --- | --- |',
  ...rowsMd,
].join('\n');
const paths = await writeResults(args.name, { benchmark: 'daemon-round', machine, modelBytes, tensors: TENSORS, rounds, sites: SITES, runs }, markdown);
process.stderr.write(`wrote ${paths.jsonPath} and ${paths.mdPath}\n`);
