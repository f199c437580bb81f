// Summaries and the markdown report of the transport benchmark: one summary per run, and one table row per
// driver and case over its repeated runs (the median, with the lowest and highest run beside it).

const MiB = 2 ** 20;
const MB = 1e6;
/** The throughput target of the issue "Network runtime", per direction, for a 1 GiB model. */
const TARGET_MBPS = 300;

/** Throughput and memory of one run, with the targets checked. */
export function summarise({ driver, spec, server, clients }) {
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
    sumPrepareMs: server.sumPrepareMs,
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
      throughput300MBps: spec.throughputTarget ? aggregateDownloadMBps >= TARGET_MBPS && aggregateUploadMBps >= TARGET_MBPS : null,
      clientRssUnderModelPlus512MiB: clientRss < modelBytes + 512 * MiB,
      serverRssUnder2ModelsPlus512MiB: server.peakRssBytes < 2 * modelBytes + 512 * MiB,
    },
  };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Median, lowest and highest of `key(run)` over `runs`. */
function spread(runs, key) {
  const values = runs.map(key);
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
}

/**
 * One entry per driver and case, in the order first measured: the runs' medians (throughput, CPU, GCs), their
 * lowest and highest throughput, how many runs met the throughput target, and the highest peak RSS (a memory
 * target must hold in every run). Failed runs are counted and their errors kept.
 */
export function groupRuns(runs) {
  const groups = new Map();
  for (const run of runs) {
    const key = `${run.driver}|${run.case}`;
    if (!groups.has(key)) groups.set(key, { driver: run.driver, case: run.case, label: run.label, clients: run.clients, runs: [], errors: [] });
    const group = groups.get(key);
    if (run.error === undefined) group.runs.push(run);
    else group.errors.push(run.error);
  }
  return [...groups.values()].map((group) => {
    const ok = group.runs;
    if (ok.length === 0) return group;
    const targeted = ok[0].targets.throughput300MBps !== null;
    const download = spread(ok, (r) => r.aggregateDownloadMBps);
    const upload = spread(ok, (r) => r.aggregateUploadMBps);
    return {
      ...group,
      download,
      upload,
      downloadCpuSecondsPerGB: median(ok.map((r) => r.download.cpuSecondsPerGB)),
      uploadCpuSecondsPerGB: median(ok.map((r) => r.upload.cpuSecondsPerGB)),
      downloadMajorGcs: median(ok.map((r) => r.download.majorGcs)),
      uploadMajorGcs: median(ok.map((r) => r.upload.majorGcs)),
      downloadServerCpuWait: median(ok.map((r) => r.download.serverCpuWaitShare)),
      uploadServerCpuWait: median(ok.map((r) => r.upload.serverCpuWaitShare)),
      sumPrepareMs: ok.every((r) => r.sumPrepareMs !== undefined) ? median(ok.map((r) => r.sumPrepareMs)) : undefined,
      loadAverage: ok.every((r) => r.loadAverage !== undefined) ? spread(ok, (r) => r.loadAverage) : undefined,
      serverPeakRssBytes: Math.max(...ok.map((r) => r.serverPeakRssBytes)),
      maxClientPeakRssBytes: Math.max(...ok.map((r) => r.maxClientPeakRssBytes)),
      targets: {
        throughput300MBps: targeted ? download.median >= TARGET_MBPS && upload.median >= TARGET_MBPS : null,
        runsAtThroughput: targeted ? { download: ok.filter((r) => r.aggregateDownloadMBps >= TARGET_MBPS).length, upload: ok.filter((r) => r.aggregateUploadMBps >= TARGET_MBPS).length } : null,
        clientRss: ok.every((r) => r.targets.clientRssUnderModelPlus512MiB),
        serverRss: ok.every((r) => r.targets.serverRssUnder2ModelsPlus512MiB),
      },
    };
  });
}

const ratio = (now, then) => (then === undefined ? '' : ` (×${(now / then).toFixed(2)})`);
const mib = (bytes) => (bytes / MiB).toFixed(0);
const percent = (share) => `${(share * 100).toFixed(0)}%`;
const yes = (flag) => (flag === null ? 'n/a' : flag ? 'yes' : '**no**');
const rate = (s, before) => `${s.median.toFixed(0)}${ratio(s.median, before?.median)} (${s.min.toFixed(0)}–${s.max.toFixed(0)})`;
const seconds = (ms) => (ms === undefined ? 'n/a' : (ms / 1000).toFixed(1));

/** One markdown table row per group; `cells` gives the cells after driver, model, clients and runs. */
function rows(groups, baseline, cells, width) {
  return groups.map((g) => {
    const lead = `| ${g.driver} | ${g.label} | ${g.clients} | ${g.runs.length}${g.errors.length === 0 ? '' : ` (${g.errors.length} failed)`} |`;
    if (g.runs.length === 0) return `${lead} failed: ${g.errors[0].replaceAll('|', '/')} |${' |'.repeat(width - 1)}`;
    return `${lead} ${cells(g, baseline.find((b) => b.driver === g.driver && b.case === g.case && b.runs.length > 0)).join(' | ')} |`;
  });
}

/** The freshly touched memory line: what a first write into new memory cost before and after the runs. */
function freshMemoryLine(fresh) {
  if (fresh === undefined) return '';
  const cost = (probe) => (probe === undefined ? 'not measured' : `${probe.firstTouchSecondsPerGiB.toFixed(2)} s per GiB`);
  return `Fresh memory on this machine (\`fresh-memory.mjs\`: the first write into 512 MiB of new memory, in a process started like the others): ${cost(fresh.before)} before the runs, ${cost(fresh.after)} after them; writing the same memory again costs ${fresh.before?.rewriteSecondsPerGiB.toFixed(2) ?? 'n/a'} s per GiB.`;
}

/** The markdown report: what was measured and how, a throughput table, a cost and memory table, then the notes. */
export function renderMarkdown({ machineLine, settings, runs, baseline, freshMemory, notes }) {
  const groups = groupRuns(runs);
  const before = baseline === undefined ? [] : groupRuns(baseline.runs);
  const throughputRows = rows(
    groups,
    before,
    (g, b) => [
      rate(g.download, b?.download),
      rate(g.upload, b?.upload),
      yes(g.targets.throughput300MBps),
      g.targets.runsAtThroughput === null ? 'n/a' : `${g.targets.runsAtThroughput.download} / ${g.targets.runsAtThroughput.upload}`,
      `${percent(g.downloadServerCpuWait)} / ${percent(g.uploadServerCpuWait)}`,
      g.loadAverage === undefined ? 'n/a' : `${g.loadAverage.min.toFixed(1)}–${g.loadAverage.max.toFixed(1)}`,
    ],
    6,
  );
  const costRows = rows(
    groups,
    before,
    (g, b) => [
      `${g.downloadCpuSecondsPerGB.toFixed(2)}${ratio(g.downloadCpuSecondsPerGB, b?.downloadCpuSecondsPerGB)}`,
      `${g.uploadCpuSecondsPerGB.toFixed(2)}${ratio(g.uploadCpuSecondsPerGB, b?.uploadCpuSecondsPerGB)}`,
      `${g.downloadMajorGcs} / ${g.uploadMajorGcs}`,
      seconds(g.sumPrepareMs),
      `${mib(g.serverPeakRssBytes)}${ratio(g.serverPeakRssBytes, b?.serverPeakRssBytes)}`,
      `${mib(g.maxClientPeakRssBytes)}${ratio(g.maxClientPeakRssBytes, b?.maxClientPeakRssBytes)}`,
      `${yes(g.targets.clientRss)} / ${yes(g.targets.serverRss)}`,
    ],
    7,
  );
  return [
    '# Transport: model download and upload between processes (Figure 2)',
    '',
    machineLine,
    '',
    'One server process and N client processes on 127.0.0.1, mutual TLS (test CA, one certificate per client),',
    '`node tools/bench/transport/bench.mjs` after `npm run build`. The server streams the global model (float32',
    'tensors in a ParamMap, encoded with `encodeParamMapParts`: zero-copy parts) to every client at once with',
    '`Messenger.stream` (download); the clients rebuild the ParamMap from the received buffers without copying,',
    "encode it again and, on the server's word, all stream it back (upload), while the server folds every arriving",
    "chunk into one weighted sum (a FedAvg round's shape: the server holds the global model and the sum, never a",
    'whole result) and checks that the average equals the model. The server allocates and writes its running sum',
    'when the round starts, before the download, as an aggregator preparing for a round does while clients train;',
    'the time that took is in the cost table. A transfer\'s time runs from the sender\'s start until the receiver',
    'has verified the whole-payload CRC and confirmed; aggregate = N × payload / time until the last transfer of',
    'that direction ended. MB = 10^6 bytes; RSS is `process.resourceUsage().maxRSS` of each process.',
    '',
    'Every case runs several times, the drivers taking turns; a row gives the median run, with the lowest and highest',
    'run in brackets after the throughput, and the highest peak RSS of its runs (a memory target must hold in every',
    'run). CPU s per GB: user + system CPU time of the server and every client during that direction (all threads),',
    'per 10^9 bytes moved. Major GCs: mark-compact collections in all processes during that direction. Server waiting',
    "for a CPU: the share of the transfer time the server's main thread was runnable but not running (/proc",
    'schedstat), i.e. time other programs on the machine took from it; load average: the lowest and highest',
    "1-minute load average when a run started (2 cores: above 2, processes queue). Node flags of the server and client",
    `processes: ${settings.nodeFlags ? `\`${settings.nodeFlags}\`` : 'none'}; their GLIBC_TUNABLES: ${settings.glibcTunables ? `\`${settings.glibcTunables}\`` : 'none'} (the job-process tuning Hearth's daemons apply, unless \`--untuned\`).`,
    '',
    freshMemoryLine(freshMemory),
    '',
    `Targets (issue "Network runtime"): at least ${TARGET_MBPS} MB/s per direction for 1 GiB on loopback; peak RSS under`,
    'model + 512 MiB on each client and under 2 × model + 512 MiB on the server for 4 GiB.',
    baseline === undefined ? '' : `\nRatios in brackets: this run's median ÷ the baseline's (${baseline.source}, run ${baseline.machine.date}; its runs are kept in the JSON).`,
    '',
    '## Throughput',
    '',
    `| driver | model | clients | runs | download, aggregate (MB/s) | upload, aggregate (MB/s) | ≥ ${TARGET_MBPS} MB/s both ways (median) | runs at ≥ ${TARGET_MBPS} MB/s (down / up) | server waiting for a CPU (down / up) | load average at start |`,
    '| --- | --- | ---: | ---: | ---: | ---: | --- | --- | --- | --- |',
    ...throughputRows,
    '',
    '## Cost and memory',
    '',
    '| driver | model | clients | runs | CPU s per GB, download | CPU s per GB, upload | major GCs, all processes (down / up) | running sum prepared (s) | server peak RSS (MiB) | largest client peak RSS (MiB) | RSS targets met (client / server) |',
    '| --- | --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | --- |',
    ...costRows,
    ...(notes === undefined ? [] : ['', notes.trim()]),
  ].join('\n');
}
