// tools/bench/transport: the paper's Figure 2 on this machine. One server process and N client processes on
// 127.0.0.1 over mutual TLS; the server streams a float32 model (a ParamMap encoded as safetensors parts) to
// every client at once (download), then every client streams its result back (upload) and the server folds
// the results into a weighted sum as they arrive (a FedAvg round's shape). Measures per-client and aggregate
// throughput per direction and the peak RSS of every process, for grpc and ws, over several runs per case.
// Run after `npm run build` (about 15 minutes on 2 cores):
//   node tools/bench/transport/bench.mjs [--drivers grpc,ws] [--cases 18MiB,1GiB,1GiB-1,4GiB] [--repeat N]
//                                        [--baseline x.json [--baseline-label text]] [--name transport] [--notes notes.md]
//                                        [--cpu-prof dir] [--node-flags="..."] [--untuned]
//   node tools/bench/transport/bench.mjs --render docs/benchmarks/transport.json [--baseline ...] [--notes ...]
// Writes docs/benchmarks/<name>.json and <name>.md (default name: transport).
import { spawn, execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { jobProcessNodeFlags, withMallocTunables } from '@hearth/federation';
import { machineInfo, machineLine } from '../lib/machine.mjs';
import { writeResults } from '../lib/write-results.mjs';
import { renderMarkdown, summarise } from './report.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = join(here, '../../../libs/comm/fixtures/tls');
const MiB = 2 ** 20;
const GiB = 2 ** 30;
/** A run that takes longer than this has hung; its processes are killed and the run is reported as failed. */
const RUN_TIMEOUT_MS = 8 * 60_000;

/** `repeat`: runs per driver unless --repeat says otherwise; `throughputTarget`: the 300 MB/s target applies. */
const CASES = {
  '18MiB': { label: '18 MiB', clients: 4, tensors: 4, tensorBytes: 4.5 * MiB, repeat: 3, throughputTarget: false },
  '1GiB': { label: '1 GiB', clients: 4, tensors: 4, tensorBytes: 256 * MiB, repeat: 3, throughputTarget: true },
  /** One connection alone: the transport without four clients competing for the two cores. */
  '1GiB-1': { label: '1 GiB', clients: 1, tensors: 4, tensorBytes: 256 * MiB, repeat: 3, throughputTarget: true },
  '4GiB': { label: '4 GiB', clients: 2, tensors: 4, tensorBytes: GiB, repeat: 1, throughputTarget: false },
  /** Not in the default set: a quick case for profiling (`--cases 256MiB --cpu-prof dir`). */
  '256MiB': { label: '256 MiB', clients: 2, tensors: 4, tensorBytes: 64 * MiB, repeat: 1, throughputTarget: false },
};
const DEFAULT_CASES = ['18MiB', '1GiB', '1GiB-1', '4GiB'];

const { values: args } = parseArgs({
  options: {
    drivers: { type: 'string', default: 'grpc,ws' },
    cases: { type: 'string', default: DEFAULT_CASES.join(',') },
    /** Runs per case and driver, for every case (default: each case's own count). */
    repeat: { type: 'string' },
    baseline: { type: 'string' },
    'baseline-label': { type: 'string' },
    name: { type: 'string', default: 'transport' },
    'cpu-prof': { type: 'string' },
    'node-flags': { type: 'string', default: '' },
    /** Start the processes without the job-process tuning (malloc tunables and V8 flags), as before it existed. */
    untuned: { type: 'boolean', default: false },
    notes: { type: 'string' },
    render: { type: 'string' },
  },
});
const drivers = args.drivers.split(',');
/** The server and clients start like Hearth's job processes (their V8 flags and malloc tunables), plus --node-flags. */
const nodeFlags = [...(args.untuned ? [] : jobProcessNodeFlags(process.env)), ...args['node-flags'].split(' ').filter((flag) => flag !== '')];
const childEnv = args.untuned ? process.env : withMallocTunables(process.env);
const cases = args.cases.split(',').map((key) => {
  if (CASES[key] === undefined) throw new Error(`unknown case ${key}; known: ${Object.keys(CASES).join(', ')}`);
  return { key, ...CASES[key], ...(args.repeat === undefined ? {} : { repeat: Number(args.repeat) }) };
});

/** A directory with the test CA, the server certificate and one client certificate per site, issued with openssl. */
function certificates(sites) {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-bench-transport-'));
  for (const name of ['ca.crt', 'server.crt', 'server.key']) copyFileSync(join(fixtures, name), join(dir, name));
  const ext = join(dir, 'client.ext');
  writeFileSync(ext, 'basicConstraints = critical, CA:false\nkeyUsage = critical, digitalSignature\nextendedKeyUsage = clientAuth\n');
  for (let i = 1; i <= sites; i += 1) {
    const key = join(dir, `site-${i}.key`);
    const csr = join(dir, `site-${i}.csr`);
    execFileSync('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', key], { stdio: 'ignore' });
    execFileSync('openssl', ['req', '-new', '-key', key, '-subj', `/O=Hearth Bench/CN=site-${i}`, '-out', csr], { stdio: 'ignore' });
    execFileSync(
      'openssl',
      ['x509', '-req', '-in', csr, '-CA', join(fixtures, 'ca.crt'), '-CAkey', join(fixtures, 'ca.key'), '-set_serial', String(1000 + i), '-days', '2', '-sha256', '-extfile', ext, '-out', join(dir, `site-${i}.crt`)],
      { stdio: 'ignore' },
    );
  }
  return dir;
}

/** Starts `script` in a fresh Node process; resolves with its JSON lines once it exits. */
function start(script, scriptArgs, onLine) {
  const nodeArgs = [...nodeFlags, ...(args['cpu-prof'] === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${args['cpu-prof']}`])];
  const child = spawn(process.execPath, [...nodeArgs, join(here, script), ...scriptArgs], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = [];
  let stderr = '';
  let buffered = '';
  child.stdout.on('data', (data) => {
    buffered += data.toString('utf8');
    for (let newline = buffered.indexOf('\n'); newline >= 0; newline = buffered.indexOf('\n')) {
      const line = JSON.parse(buffered.slice(0, newline));
      buffered = buffered.slice(newline + 1);
      lines.push(line);
      onLine?.(line);
    }
  });
  child.stderr.on('data', (data) => {
    stderr += data.toString('utf8');
  });
  const exited = new Promise((resolve, reject) => {
    child.once('exit', (code, signal) => {
      if (code === 0) resolve(lines);
      else reject(new Error(`${script} ${scriptArgs.join(' ')} exited with ${code ?? signal}: ${stderr.trim().split('\n').slice(-5).join(' | ')}`));
    });
  });
  return { child, exited };
}

/** One run: a server and `clients` clients; resolves with the server's and the clients' final lines. */
async function runOnce({ driver, spec, certDir }) {
  const children = [];
  let listening;
  const port = new Promise((resolve) => {
    listening = resolve;
  });
  const server = start('server.mjs', [driver, String(spec.clients), String(spec.tensors), String(spec.tensorBytes), certDir], (line) => {
    if (line.event === 'listening') listening(line.port);
  });
  children.push(server.child);
  const timer = setTimeout(() => children.forEach((child) => child.kill('SIGKILL')), RUN_TIMEOUT_MS);
  try {
    const clients = await Promise.race([
      port.then((p) =>
        Array.from({ length: spec.clients }, (_, i) => {
          const client = start('client.mjs', [driver, String(p), `site-${i + 1}`, certDir]);
          children.push(client.child);
          return client.exited;
        }),
      ),
      server.exited.then(() => {
        throw new Error('the server exited before it listened');
      }),
    ]);
    const [serverLines, ...clientLines] = await Promise.all([server.exited, ...clients]);
    return { server: serverLines.at(-1), clients: clientLines.map((lines) => lines.at(-1)) };
  } finally {
    clearTimeout(timer);
    children.forEach((child) => child.exitCode === null && child.kill('SIGKILL'));
  }
}

/** One run of the case `spec` with `driver`; a failed run records its error. */
async function measureRun({ driver, spec, certDir }) {
  process.stderr.write(`${driver} ${spec.label} × ${spec.clients} clients ... `);
  try {
    const loadAverage = loadavg()[0];
    const run = { ...summarise({ driver, spec, ...(await runOnce({ driver, spec, certDir })) }), loadAverage };
    process.stderr.write(
      `download ${run.aggregateDownloadMBps.toFixed(0)} MB/s, upload ${run.aggregateUploadMBps.toFixed(0)} MB/s, RSS server ${(run.serverPeakRssBytes / MiB).toFixed(0)} MiB, client ≤ ${(run.maxClientPeakRssBytes / MiB).toFixed(0)} MiB\n`,
    );
    return run;
  } catch (error) {
    process.stderr.write(`failed: ${error.message}\n`);
    return { driver, case: spec.key, label: spec.label, clients: spec.clients, error: error.message };
  }
}

/** Runs every case `repeat` times, the drivers taking turns, and returns the runs. */
async function measure() {
  const certDir = certificates(Math.max(...cases.map((c) => c.clients)));
  const measured = [];
  try {
    for (const spec of cases) {
      for (let repeat = 0; repeat < spec.repeat; repeat += 1) {
        for (const driver of drivers) measured.push(await measureRun({ driver, spec, certDir }));
      }
    }
  } finally {
    rmSync(certDir, { recursive: true, force: true });
  }
  return measured;
}

/** What a first write into fresh memory costs on this machine now (fresh-memory.mjs, started like the runs). */
async function probeFreshMemory() {
  const [line] = await start('fresh-memory.mjs', []).exited;
  return line;
}

// --render re-writes the markdown of an earlier run (say, with a baseline or notes) without measuring again.
const earlier = args.render === undefined ? undefined : JSON.parse(readFileSync(args.render, 'utf8'));
const machine = earlier?.machine ?? machineInfo();
const settings = earlier?.settings ?? {
  chunkBytes: process.env.HEARTH_BENCH_CHUNK_BYTES ?? 'default',
  window: process.env.HEARTH_BENCH_WINDOW ?? 'default',
  http2WindowBytes: process.env.HEARTH_BENCH_HTTP2_WINDOW_BYTES ?? 'default',
  nodeFlags: nodeFlags.join(' '),
  glibcTunables: childEnv.GLIBC_TUNABLES ?? '',
};
const freshMemoryBefore = earlier === undefined ? await probeFreshMemory() : undefined;
const runs = earlier?.runs ?? (await measure());
const freshMemory = earlier === undefined ? { before: freshMemoryBefore, after: await probeFreshMemory() } : earlier.freshMemory;

// The baseline's runs travel inside the results, so a rendered table keeps its ratios.
const baseline =
  args.baseline === undefined
    ? earlier?.baseline
    : (({ machine: m, settings: s, runs: r }) => ({ source: args['baseline-label'] ?? args.baseline, machine: m, settings: s, runs: r }))(
        JSON.parse(readFileSync(args.baseline, 'utf8')),
      );
const notes = args.notes === undefined ? undefined : readFileSync(args.notes, 'utf8');
const markdown = renderMarkdown({ machineLine: machineLine(machine), settings, runs, baseline, freshMemory, notes });
const paths = await writeResults(args.name, { benchmark: 'transport', machine, settings, freshMemory, runs, ...(baseline === undefined ? {} : { baseline }) }, markdown);
process.stderr.write(`wrote ${paths.jsonPath} and ${paths.mdPath}\n`);
