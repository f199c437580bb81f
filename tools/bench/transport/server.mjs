// The server process of one transport benchmark run. It builds the global model, listens (TLS, client
// certificates required), waits for every client, streams the model to all of them at once (download),
// then tells them to stream their results back (upload), folding each result into a weighted sum as its
// chunks arrive. Prints one JSON line when listening and one with the measurements at the end.
// Usage: node server.mjs <grpc|ws> <clients> <tensors> <tensorBytes> <certDir>
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { GrpcDriver, Messenger, WsDriver } from '@hearth/comm';
import { AccumulateSink, WeightedSum } from './accumulate-sink.mjs';
import { encodeModel, makeModel, patternValue } from './model.mjs';
import { startPhase } from './process-meter.mjs';
import { GRPC_DRIVER_OPTIONS, MAX_FRAME_BYTES, MESSENGER_OPTIONS, SCRATCH_BYTES } from './settings.mjs';

const [driverName, clientsArg, tensorsArg, tensorBytesArg, certDir] = process.argv.slice(2);
const clients = Number(clientsArg);
const tensors = Number(tensorsArg);
const tensorBytes = Number(tensorBytesArg);
const pem = (name) => readFileSync(join(certDir, name));
const print = (line) => process.stdout.write(`${JSON.stringify(line)}\n`);

const buildStarted = performance.now();
const model = makeModel({ tensors, tensorBytes });
const { parts, meta, totalBytes } = encodeModel(model);
const buildMs = performance.now() - buildStarted;
const sumStarted = performance.now();
const sum = new WeightedSum({ header: parts[0], tensorBytes: parts.slice(1).map((part) => part.byteLength), scratchBytes: SCRATCH_BYTES });
const sumPrepareMs = performance.now() - sumStarted;

const peers = [];
let everyoneHere;
const allConnected = new Promise((resolve) => {
  everyoneHere = resolve;
});
const uploads = new Map();

const driver = driverName === 'grpc' ? new GrpcDriver(GRPC_DRIVER_OPTIONS) : new WsDriver();
const listener = await driver.listen({
  host: '127.0.0.1',
  port: 0,
  maxFrameBytes: MAX_FRAME_BYTES,
  tls: { cert: pem('server.crt'), key: pem('server.key'), ca: pem('ca.crt') },
  onConnection: (connection) => {
    const messenger = new Messenger(MESSENGER_OPTIONS);
    const site = connection.peerIdentity;
    messenger.handle('hello', () => {
      peers.push({ site, messenger });
      if (peers.length === clients) everyoneHere();
      return undefined;
    });
    messenger.handleStream('model.result', (stream) => {
      const sink = new AccumulateSink({ sum, weight: 1 / clients, totalBytes: stream.totalBytes });
      uploads.get(site)?.resolveSink(sink);
      return sink;
    });
    messenger.attach(connection);
  },
});
print({ event: 'listening', port: listener.port });

await allConnected;

const endDownloadPhase = startPhase();
const downloadStarted = performance.now();
const downloads = await Promise.all(
  peers.map(async ({ site, messenger }) => {
    const start = performance.now();
    const report = await messenger.stream({ topic: 'model.global', parts, meta });
    return { site, startMs: start - downloadStarted, endMs: performance.now() - downloadStarted, chunks: report.chunks, peakChunksInFlight: report.peakChunksInFlight };
  }),
);

const downloadCost = endDownloadPhase();
const endUploadPhase = startPhase();
for (const { site } of peers) {
  let resolveSink;
  const sink = new Promise((resolve) => {
    resolveSink = resolve;
  });
  uploads.set(site, { sink, resolveSink });
}
const uploadStarted = performance.now();
await Promise.all(peers.map(({ messenger }) => messenger.send({ topic: 'upload.go' })));
const results = await Promise.all(
  peers.map(async ({ site }) => {
    const sink = await uploads.get(site).sink;
    const end = await sink.done;
    return { site, endMs: end - uploadStarted };
  }),
);

const uploadCost = endUploadPhase();
let maxError = 0;
for (let t = 0; t < tensors; t += 1) {
  const values = sum.sums[t];
  for (let i = 0; i < values.length; i += Math.max(1, Math.floor(values.length / 4096))) {
    maxError = Math.max(maxError, Math.abs(values[i] - patternValue(t, i)));
  }
}
if (maxError > 1e-4) throw new Error(`the averaged results differ from the global model by up to ${maxError}`);

await Promise.all(peers.map(({ messenger }) => messenger.send({ topic: 'bye' })));
await Promise.all(peers.map(({ messenger }) => messenger.close()));
await listener.close();
print({
  event: 'done',
  role: 'server',
  driver: driverName,
  totalBytes,
  buildMs,
  sumPrepareMs,
  downloads,
  uploads: results,
  maxAverageError: maxError,
  downloadCost,
  uploadCost,
  peakRssBytes: process.resourceUsage().maxRSS * 1024,
});
