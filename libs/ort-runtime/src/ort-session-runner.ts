import { Worker } from 'node:worker_threads';
import { viewData } from '@hearth/core';
import type { Tensor } from '@hearth/core';
import { prepareFeeds, resolveFetches } from './check-feeds.js';
import { coreDTypeOf } from './dtype-map.js';
import { OrtErrorCode, ortError } from './errors.js';
import { WorkerChannel } from './internal/worker-channel.js';
import { locateWorkerEntry } from './internal/worker-location.js';
import type { InitReply, InitRequest, RunReply, RunRequest, WorkerData } from './internal/worker-protocol.js';
import { compileOrtOptions } from './ort-options.js';
import type { CompiledOrtOptions, ExecutionProviderName, OrtSessionRunnerOptions } from './ort-options.js';
import type { OrtValueInfo } from './value-info.js';

/**
 * An ONNX Runtime session living in its own worker thread: `run` never blocks the event loop, so
 * heartbeats, gRPC keepalives and timers keep ticking during a long training step. Implements the
 * trainer's `SessionRunner` port.
 */
export interface OrtSessionRunner {
  /** The execution provider the session was created with (the first in the preference list that worked). */
  readonly executionProvider: ExecutionProviderName;
  /** The model's inputs: names, element types and shapes (free dimensions by name). */
  readonly inputs: readonly OrtValueInfo[];
  /** The model's outputs. */
  readonly outputs: readonly OrtValueInfo[];
  /**
   * Runs the model once. Feeds are checked against the model's inputs first (coded errors name the
   * input); an empty `fetches` returns every output. Runs queue in call order.
   */
  run(feeds: Readonly<Record<string, Tensor>>, fetches: readonly string[]): Promise<Record<string, Tensor>>;
  /**
   * Fails pending runs with `HEARTH_ERR_ORT_RUNNER_CLOSED`, releases the session and ends the worker
   * thread. A run already executing inside ORT finishes first (ORT cannot interrupt it, and stopping a
   * thread inside ORT aborts the process); queued runs are skipped. Idempotent.
   */
  close(): Promise<void>;
}

/**
 * Starts a worker thread, creates an ORT session there over `model` (ONNX bytes, copied), probing the
 * execution providers in order, and resolves with a runner once the session is ready.
 */
export async function createOrtSessionRunner(model: Uint8Array, options: OrtSessionRunnerOptions = {}): Promise<OrtSessionRunner> {
  const compiled = compileOrtOptions(options);
  const location = locateWorkerEntry();
  const workerData: WorkerData = { closing: new SharedArrayBuffer(4) };
  let worker: Worker;
  try {
    worker = new Worker(location.url, {
      workerData,
      ...(location.execArgv === undefined ? {} : { execArgv: location.execArgv }),
      ...(location.env === undefined ? {} : { env: location.env }),
      ...(compiled.workerResourceLimits === undefined ? {} : { resourceLimits: compiled.workerResourceLimits }),
    });
  } catch (cause) {
    throw ortError(OrtErrorCode.WORKER_UNAVAILABLE, `cannot start the session worker: ${(cause as Error).message}`, {
      context: { entry: location.url.href },
      cause,
    });
  }
  const closing = new Int32Array(workerData.closing);
  const channel = new WorkerChannel({ worker, closing, label: 'ort-session', logger: compiled.logger });
  const modelCopy = model.slice();
  const init: InitRequest = {
    kind: 'init',
    model: modelCopy,
    providers: compiled.executionProviders,
    deviceId: compiled.deviceId,
    sessionOptions: compiled.sessionOptions,
    ortLogLevel: compiled.ortLogLevel,
  };
  let reply: InitReply;
  try {
    const answer = await channel.request<InitReply>(init, [modelCopy.buffer]);
    if (!answer.ok) throw ortError(OrtErrorCode.SESSION_CREATE_FAILED, `session worker failed to start: ${answer.error}`);
    reply = answer.value;
  } catch (err) {
    await channel.close();
    throw err;
  }
  logAttempts(compiled, reply);
  if (reply.executionProvider === undefined) {
    await channel.close();
    const reasons = reply.attempts.map((a) => `${a.provider}: ${a.error}`).join('; ');
    throw ortError(OrtErrorCode.SESSION_CREATE_FAILED, `no execution provider could create the session (${reasons})`, {
      context: { attempts: reply.attempts },
    });
  }
  return new WorkerSessionRunner({ channel, options: compiled, executionProvider: reply.executionProvider, reply });
}

function logAttempts(options: CompiledOrtOptions, reply: InitReply): void {
  const providers = options.executionProviders;
  reply.attempts.forEach((attempt, i) => {
    const next = reply.attempts[i + 1]?.provider ?? reply.executionProvider;
    if (next === undefined) return;
    options.logger.warn(
      { provider: attempt.provider, fallback: next, reason: attempt.error },
      `execution provider ${attempt.provider} unavailable, falling back to ${next}`,
    );
  });
  if (reply.executionProvider !== undefined) {
    options.logger.debug({ executionProvider: reply.executionProvider, preference: providers }, 'ORT session ready');
  }
}

interface RunnerInit {
  readonly channel: WorkerChannel;
  readonly options: CompiledOrtOptions;
  readonly executionProvider: ExecutionProviderName;
  readonly reply: InitReply;
}

class WorkerSessionRunner implements OrtSessionRunner {
  readonly executionProvider: ExecutionProviderName;
  readonly inputs: readonly OrtValueInfo[];
  readonly outputs: readonly OrtValueInfo[];
  readonly #channel: WorkerChannel;
  readonly #transferFeeds: boolean;

  constructor(init: RunnerInit) {
    this.executionProvider = init.executionProvider;
    this.inputs = init.reply.inputs;
    this.outputs = init.reply.outputs;
    this.#channel = init.channel;
    this.#transferFeeds = init.options.transferFeeds;
  }

  async run(feeds: Readonly<Record<string, Tensor>>, fetches: readonly string[]): Promise<Record<string, Tensor>> {
    const failure = this.#channel.failure;
    if (failure !== undefined) throw failure;
    const names = resolveFetches(fetches, this.outputs);
    const prepared = prepareFeeds(feeds, { inputs: this.inputs, transferFeeds: this.#transferFeeds });
    const request: RunRequest = { kind: 'run', feeds: prepared.feeds, fetches: names };
    const reply = await this.#channel.request<RunReply>(request, prepared.transfer);
    if (!reply.ok) {
      throw ortError(OrtErrorCode.RUN_FAILED, `ORT run failed: ${reply.error}`, {
        context: { ortMessage: reply.error, fetches: names },
      });
    }
    const result: Record<string, Tensor> = {};
    for (const name of names) {
      const wire = reply.value.outputs[name];
      const dtype = wire === undefined ? undefined : coreDTypeOf(wire.type);
      if (wire === undefined || dtype === undefined) {
        throw ortError(OrtErrorCode.UNSUPPORTED_DTYPE, `output ${JSON.stringify(name)} came back without a Hearth dtype`, {
          context: { output: name, type: wire?.type },
        });
      }
      result[name] = { dtype, shape: [...wire.dims], data: viewData(dtype, wire.data) };
    }
    return result;
  }

  close(): Promise<void> {
    return this.#channel.close();
  }
}
