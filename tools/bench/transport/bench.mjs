// tools/bench/transport: the paper's Figure 2 on this machine. One server process and N client processes on
// 127.0.0.1 over mutual TLS; the server streams a float32 model (a ParamMap encoded as safetensors parts) to
// every client at once (download), then every client streams its result back (upload) and the server folds
// the results into a weighted sum as they arrive (a FedAvg round's shape). Measures per-client and aggregate
// throughput per direction and the peak RSS of every process, for grpc and ws.
// Run after `npm run build` (about 10 minutes on 2 cores):
//   node tools/bench/transport/bench.mjs [--drivers grpc,ws] [--cases 18MiB,1GiB,4GiB] [--baseline x.json [--baseline-label text]]
//                                        [--name transport] [--notes notes.md] [--cpu-prof dir] [--node-flags="..."] [--untuned]
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

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = join(here, '../../../libs/comm/fixtures/tls');
const MiB = 2 ** 20;
const GiB = 2 ** 30;
const MB = 1e6;
/** A run that takes longer than this has hung; its processes are killed and the run is reported as failed. */
const RUN_TIMEOUT_MS = 8 * 60_000;

const CASES = {
  '18MiB': { label: '18 MiB', clients: 4, tensors: 4, tensorBytes: 4.5 * MiB },
  '1GiB': { label: '1 GiB', clients: 4, tensors: 4, tensorBytes: 256 * MiB },
  '4GiB': { label: '4 GiB', clients: 2, tensors: 4, tensorBytes: GiB },
  /** Not in the default set: a quick case for profiling (`--cases 256MiB --cpu-prof dir`). */
  '256MiB': { label: '256 MiB', clients: 2, tensors: 4, tensorBytes: 64 * MiB },
};
const DEFAULT_CASES = ['18MiB', '1GiB', '4GiB'];

const { values: args } = parseArgs({
  options: {
    drivers: { type: 'string', default: 'grpc,ws' },
    cases: { type: 'string', default: DEFAULT_CASES.join(',') },
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
  return { key, ...CASES[key] };
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

/** Throughput and memory of one run, with the targets checked. */
function summarise({ driver, spec, server, clients }) {
  const bytes = server.totalBytes;
  const modelBytes = spec.tensors * spec.tensorBytes;
  const bySite = new Map(clients.map((c) => [c.site, c]));
  const perClient = server.downloads.map((d) => {
    const up = server.uploads.find((u) => u.site === d.site);
    const client = bySite.get(d.site);
    return {
      site: d.site,
      downloadMs: d.endMs - d.startMs,
      downloadMBps: bytes / MB / ((d.endMs - d.startMs) / 1000),
      uploadMs: up.endMs,
      uploadMBps: bytes / MB / (up.endMs / 1000),
      clientDownloadMs: client.downloadMs,
      clientUploadMs: client.uploadMs,
      cost: { download: client.downloadCost, upload: client.uploadCost },
      receivedBuffers: client.receivedBuffers,
      peakRssBytes: client.peakRssBytes,
    };
  });
  const downloadWallMs = Math.max(...server.downloads.map((d) => d.endMs));
  const uploadWallMs = Math.max(...server.uploads.map((u) => u.endMs));
  const clientRss = Math.max(...clients.map((c) => c.peakRssBytes));
  const movedGB = (spec.clients * bytes) / 1e9;
  const total = (phase, key) => server[phase][key] + clients.reduce((sum, c) => sum + c[phase][key], 0);
  const phaseTotals = (phase, wallMs) => ({
    cpuSecondsPerGB: total(phase, 'cpuMs') / 1000 / movedGB,
    majorGcs: total(phase, 'majorGcs'),
    minorGcs: total(phase, 'minorGcs'),
    serverCpuWaitShare: server[phase].cpuWaitMs / wallMs,
  });
  const aggregateDownloadMBps = (spec.clients * bytes) / MB / (downloadWallMs / 1000);
  const aggregateUploadMBps = (spec.clients * bytes) / MB / (uploadWallMs / 1000);
  return {
    driver,
    case: spec.key,
    label: spec.label,
    clients: spec.clients,
    tensors: spec.tensors,
    modelBytes,
    payloadBytes: bytes,
    modelBuildMs: server.buildMs,
    downloadWallMs,
    uploadWallMs,
    aggregateDownloadMBps,
    aggregateUploadMBps,
    download: phaseTotals('downloadCost', downloadWallMs),
    upload: phaseTotals('uploadCost', uploadWallMs),
    serverCost: { download: server.downloadCost, upload: server.uploadCost },
    serverPeakRssBytes: server.peakRssBytes,
    maxClientPeakRssBytes: clientRss,
    perClient,
    targets: {
      throughput300MBps: spec.key === '18MiB' ? null : aggregateDownloadMBps >= 300 && aggregateUploadMBps >= 300,
      clientRssUnderModelPlus512MiB: clientRss < modelBytes + 512 * MiB,
      serverRssUnder2ModelsPlus512MiB: server.peakRssBytes < 2 * modelBytes + 512 * MiB,
    },
  };
}

/** Runs every case with every driver, in turn, and returns the runs (a failed run records its error). */
async function measure() {
  const certDir = certificates(Math.max(...cases.map((c) => c.clients)));
  const measured = [];
  try {
    for (const spec of cases) {
      for (const driver of drivers) {
        process.stderr.write(`${driver} ${spec.label} × ${spec.clients} clients ... `);
        try {
          const loadAverage = loadavg()[0];
          const run = { ...summarise({ driver, spec, ...(await runOnce({ driver, spec, certDir })) }), loadAverage };
          measured.push(run);
          process.stderr.write(
            `download ${run.aggregateDownloadMBps.toFixed(0)} MB/s, upload ${run.aggregateUploadMBps.toFixed(0)} MB/s, RSS server ${(run.serverPeakRssBytes / MiB).toFixed(0)} MiB, client ≤ ${(run.maxClientPeakRssBytes / MiB).toFixed(0)} MiB\n`,
          );
        } catch (error) {
          measured.push({ driver, case: spec.key, label: spec.label, clients: spec.clients, error: error.message });
          process.stderr.write(`failed: ${error.message}\n`);
        }
      }
    }
  } finally {
    rmSync(certDir, { recursive: true, force: true });
  }
  return measured;
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
const runs = earlier?.runs ?? (await measure());

// The baseline's runs travel inside the results, so a rendered table keeps its ratios.
const baseline =
  args.baseline === undefined
    ? earlier?.baseline
    : (({ machine: m, settings: s, runs: r }) => ({ source: args['baseline-label'] ?? args.baseline, machine: m, settings: s, runs: r }))(
        JSON.parse(readFileSync(args.baseline, 'utf8')),
      );
const before = (run) => baseline?.runs.find((b) => b.driver === run.driver && b.case === run.case && b.error === undefined);
const ratio = (now, then) => (then === undefined ? '' : ` (×${(now / then).toFixed(2)})`);
const mib = (b) => (b / MiB).toFixed(0);
const percent = (share) => `${(share * 100).toFixed(0)}%`;
const yes = (flag) => (flag === null ? 'n/a' : flag ? 'yes' : '**no**');

/** One markdown table row per run; `cells` gives the cells after driver, model and clients. */
const table = (cells, width) =>
  runs.map((r) => {
    const lead = `| ${r.driver} | ${r.label} | ${r.clients} |`;
    if (r.error !== undefined) return `${lead} failed: ${r.error.replaceAll('|', '/')} |${' |'.repeat(width - 1)}`;
    return `${lead} ${cells(r, before(r)).join(' | ')} |`;
  });
const perClient = (r, key) => r.perClient.map((c) => c[key].toFixed(0)).join(' / ');
const throughputRows = table(
  (r, b) => [
    `${r.aggregateDownloadMBps.toFixed(0)}${ratio(r.aggregateDownloadMBps, b?.aggregateDownloadMBps)}`,
    `${r.aggregateUploadMBps.toFixed(0)}${ratio(r.aggregateUploadMBps, b?.aggregateUploadMBps)}`,
    perClient(r, 'downloadMBps'),
    perClient(r, 'uploadMBps'),
    yes(r.targets.throughput300MBps),
    `${percent(r.download.serverCpuWaitShare)} / ${percent(r.upload.serverCpuWaitShare)}`,
    r.loadAverage?.toFixed(1) ?? 'n/a',
  ],
  7,
);
const costRows = table(
  (r, b) => [
    `${r.download.cpuSecondsPerGB.toFixed(2)}${ratio(r.download.cpuSecondsPerGB, b?.download?.cpuSecondsPerGB)}`,
    `${r.upload.cpuSecondsPerGB.toFixed(2)}${ratio(r.upload.cpuSecondsPerGB, b?.upload?.cpuSecondsPerGB)}`,
    `${r.download.majorGcs}${b?.download === undefined ? '' : ` (was ${b.download.majorGcs})`} / ${r.upload.majorGcs}${b?.upload === undefined ? '' : ` (was ${b.upload.majorGcs})`}`,
    `${mib(r.serverPeakRssBytes)}${ratio(r.serverPeakRssBytes, b?.serverPeakRssBytes)}`,
    `${mib(r.maxClientPeakRssBytes)}${ratio(r.maxClientPeakRssBytes, b?.maxClientPeakRssBytes)}`,
    `${yes(r.targets.clientRssUnderModelPlus512MiB)} / ${yes(r.targets.serverRssUnder2ModelsPlus512MiB)}`,
  ],
  6,
);

const markdown = [
  '# Transport: model download and upload between processes (Figure 2)',
  '',
  machineLine(machine),
  '',
  'One server process and N client processes on 127.0.0.1, mutual TLS (test CA, one certificate per client),',
  '`node tools/bench/transport/bench.mjs` after `npm run build`. The server streams the global model (float32',
  'tensors in a ParamMap, encoded with `encodeParamMapParts`: zero-copy parts) to every client at once with',
  '`Messenger.stream` (download); the clients rebuild the ParamMap from the received buffers without copying,',
  'encode it again and, on the server\'s word, all stream it back (upload), while the server folds every arriving',
  'chunk into one weighted sum (a FedAvg round\'s shape: the server holds the global model and the sum, never a',
  'whole result) and checks that the average equals the model. A transfer\'s time runs from the sender\'s start',
  'until the receiver has verified the whole-payload CRC and confirmed; aggregate = N × payload / time until the',
  'last transfer of that direction ended. MB = 10^6 bytes; RSS is `process.resourceUsage().maxRSS` of each process.',
  'CPU s per GB: user + system CPU time of the server and every client during that direction (all threads), per',
  '10^9 bytes moved; unlike MB/s it depends little on what else the machine runs. Major GCs: mark-compact collections',
  'in all processes during that direction. Server waiting for a CPU: the share of the transfer time the server\'s main',
  'thread was runnable but not running (/proc schedstat), i.e. time other programs on the machine took from it;',
  'load average: the machine\'s 1-minute load average when the run started (2 cores: above 2, processes queue).',
  `Node flags of the server and client processes: ${settings.nodeFlags ? `\`${settings.nodeFlags}\`` : 'none'}; their GLIBC_TUNABLES: ${settings.glibcTunables ? `\`${settings.glibcTunables}\`` : 'none'} (the job-process tuning Hearth's daemons apply, unless \`--untuned\`).`,
  '',
  'Targets (issue "Network runtime"): at least 300 MB/s per direction for 1 GiB on loopback; peak RSS under',
  'model + 512 MiB on each client and under 2 × model + 512 MiB on the server for 4 GiB.',
  baseline === undefined ? '' : `\nRatios in brackets: this run ÷ the baseline (${baseline.source}, run ${baseline.machine.date}; its runs are kept in the JSON).`,
  '',
  '## Throughput',
  '',
  '| driver | model | clients | download, aggregate (MB/s) | upload, aggregate (MB/s) | download per client (MB/s) | upload per client (MB/s) | ≥ 300 MB/s both ways | server waiting for a CPU (down / up) | load average at start |',
  '| --- | --- | ---: | ---: | ---: | --- | --- | --- | --- | ---: |',
  ...throughputRows,
  '',
  '## Cost and memory',
  '',
  '| driver | model | clients | CPU s per GB, download | CPU s per GB, upload | major GCs, all processes (down / up) | server peak RSS (MiB) | largest client peak RSS (MiB) | RSS targets met (client / server) |',
  '| --- | --- | ---: | ---: | ---: | --- | ---: | ---: | --- |',
  ...costRows,
  ...(args.notes === undefined ? [] : ['', readFileSync(args.notes, 'utf8').trim()]),
].join('\n');

const paths = await writeResults(args.name, { benchmark: 'transport', machine, settings, runs, ...(baseline === undefined ? {} : { baseline }) }, markdown);
process.stderr.write(`wrote ${paths.jsonPath} and ${paths.mdPath}\n`);
