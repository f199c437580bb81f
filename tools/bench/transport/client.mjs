// A client process of one transport benchmark run: connects with its own certificate, receives the global
// model into memory (one buffer per part the server sent, as its stream meta announces), rebuilds the
// ParamMap from the received buffers without copying, and on the server's word streams it back encoded
// again (its "result"). Prints one JSON line with its measurements at the end.
// Usage: node client.mjs <grpc|ws> <port> <site> <certDir>
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { encodeParamMapParts } from '@hearth/codec';
import { BufferSink, GrpcDriver, Messenger, WsDriver } from '@hearth/comm';
import { modelFromParts, partLengthsOf } from './model.mjs';
import { startPhase } from './process-meter.mjs';
import { GRPC_DRIVER_OPTIONS, MAX_FRAME_BYTES, MESSENGER_OPTIONS } from './settings.mjs';

const [driverName, portArg, site, certDir] = process.argv.slice(2);
const pem = (name) => readFileSync(join(certDir, name));
/** Largest model a client accepts. */
const MAX_MODEL_BYTES = 16 * 2 ** 30;

const driver = driverName === 'grpc' ? new GrpcDriver(GRPC_DRIVER_OPTIONS) : new WsDriver();
const messenger = new Messenger(MESSENGER_OPTIONS);
let download;
const downloaded = new Promise((resolve) => {
  download = resolve;
});
let go;
const goSignal = new Promise((resolve) => {
  go = resolve;
});
let bye;
const byeSignal = new Promise((resolve) => {
  bye = resolve;
});

const phases = {};

messenger.handleStream('model.global', (stream) => {
  phases.download = startPhase();
  const started = performance.now();
  const sink = new BufferSink({ byteLength: stream.totalBytes, maxBytes: MAX_MODEL_BYTES, partLengths: partLengthsOf(stream.meta) });
  download({ started, result: sink.result });
  return sink;
});
messenger.handle('upload.go', () => {
  phases.upload = startPhase();
  go(performance.now());
  return undefined;
});
messenger.handle('bye', () => {
  bye();
  return undefined;
});

const connection = await driver.connect({
  host: '127.0.0.1',
  port: Number(portArg),
  maxFrameBytes: MAX_FRAME_BYTES,
  tls: { ca: pem('ca.crt'), cert: pem(`${site}.crt`), key: pem(`${site}.key`) },
});
messenger.attach(connection);
await messenger.request({ topic: 'hello' });

const { started, result } = await downloaded;
const received = await result;
const downloadMs = performance.now() - started;
const downloadCost = phases.download();
const upload = encodeParamMapParts(modelFromParts(received));

const goAt = await goSignal;
await messenger.stream({ topic: 'model.result', parts: upload });
const uploadMs = performance.now() - goAt;
const uploadCost = phases.upload();

await byeSignal;
await messenger.close();
process.stdout.write(
  `${JSON.stringify({ event: 'done', role: 'client', site, downloadMs, uploadMs, downloadCost, uploadCost, receivedBuffers: received.length, peakRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`,
);
