/**
 * The session's worker thread. It owns one onnxruntime-node session and answers the host's requests in
 * order; ORT's synchronous `run` blocks only this thread. Kept small and free of runtime imports other
 * than onnxruntime-node, so it starts the same way from sources and from dist.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import type {
  InitReply,
  InitRequest,
  ReplyEnvelope,
  RequestEnvelope,
  RunReply,
  RunRequest,
  WireTensor,
  WorkerData,
} from './worker-protocol.js';

const port = parentPort;
if (port === null) throw new Error('worker-entry must run in a worker thread');
const closing = new Int32Array((workerData as WorkerData).closing);

let session: ort.InferenceSession | undefined;
let queue: Promise<void> = Promise.resolve();

port.on('message', (envelope: RequestEnvelope) => {
  queue = queue.then(() => handle(envelope));
});

async function handle({ id, request }: RequestEnvelope): Promise<void> {
  if (request.kind === 'close') {
    try {
      await session?.release();
    } finally {
      session = undefined;
      (port as NonNullable<typeof port>).close();
    }
    return;
  }
  if (Atomics.load(closing, 0) === 1) return;
  try {
    if (request.kind === 'init') {
      post({ id, ok: true, value: await init(request) });
    } else {
      const value = await run(request);
      post({ id, ok: true, value }, Object.values(value.outputs).map((t) => t.data.buffer as ArrayBuffer));
    }
  } catch (err) {
    post({ id, ok: false, error: err instanceof Error ? err.message : String(err) });
  }
}

/** Posts a reply, moving `transfer`; buffers ORT will not let go of (not detachable) are copied instead. */
function post(reply: ReplyEnvelope, transfer: ArrayBuffer[] = []): void {
  const target = port as NonNullable<typeof port>;
  try {
    target.postMessage(reply, transfer);
  } catch {
    target.postMessage(reply);
  }
}

async function init(request: InitRequest): Promise<InitReply> {
  ort.env.logLevel = request.ortLogLevel;
  const built = new Set(ort.listSupportedBackends().map((backend) => backend.name));
  const attempts: InitReply['attempts'][number][] = [];
  for (const provider of request.providers) {
    if (!built.has(provider)) {
      attempts.push({ provider, error: 'not built into this onnxruntime-node binary' });
      continue;
    }
    try {
      session = await ort.InferenceSession.create(request.model, {
        ...request.sessionOptions,
        executionProviders: [provider === 'cpu' ? 'cpu' : { name: provider, deviceId: request.deviceId }],
      });
      return { executionProvider: provider, attempts, inputs: session.inputMetadata, outputs: session.outputMetadata };
    } catch (err) {
      attempts.push({ provider, error: err instanceof Error ? err.message : String(err) });
    }
  }
  return { executionProvider: undefined, attempts, inputs: [], outputs: [] };
}

async function run(request: RunRequest): Promise<RunReply> {
  if (session === undefined) throw new Error('the session is not initialised');
  const feeds: Record<string, ort.Tensor> = {};
  for (const [name, t] of Object.entries(request.feeds)) {
    feeds[name] = new ort.Tensor(t.type, t.data as ort.Tensor.DataType, [...t.dims]);
  }
  const results = await session.run(feeds, [...request.fetches]);
  const outputs: Record<string, WireTensor> = {};
  const seen = new Set<ArrayBufferLike>();
  for (const name of request.fetches) {
    const value = results[name] as ort.Tensor;
    let data = value.data as WireTensor['data'];
    if (data.byteOffset !== 0 || data.byteLength !== data.buffer.byteLength || seen.has(data.buffer)) data = data.slice();
    seen.add(data.buffer);
    outputs[name] = { type: value.type as WireTensor['type'], dims: [...value.dims], data };
  }
  return { outputs };
}
