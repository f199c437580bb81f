import type { ResourceLimits } from 'node:worker_threads';
import { createLogger } from '@hearth/core';
import type { Logger } from '@hearth/core';
import { OrtErrorCode, ortError } from './errors.js';

/** Execution providers this runtime can ask onnxruntime-node for, by the names ORT's Node binding uses. */
export const EXECUTION_PROVIDERS = ['cuda', 'tensorrt', 'webgpu', 'cpu'] as const;

/** One of {@link EXECUTION_PROVIDERS}. */
export type ExecutionProviderName = (typeof EXECUTION_PROVIDERS)[number];

/** ORT graph optimization levels, from none to all (including layout transforms). */
export type GraphOptimizationLevel = 'disabled' | 'basic' | 'extended' | 'layout' | 'all';

/** ORT's own log levels (its native log lines go to stderr, outside pino). */
export type OrtLogLevel = 'verbose' | 'info' | 'warning' | 'error' | 'fatal';

const ORT_LOG_SEVERITY: Record<OrtLogLevel, number> = { verbose: 0, info: 1, warning: 2, error: 3, fatal: 4 };
const OPTIMIZATION_LEVELS: readonly GraphOptimizationLevel[] = ['disabled', 'basic', 'extended', 'layout', 'all'];

/** Options for {@link createOrtSessionRunner}; {@link compileOrtOptions} fills in every default. */
export interface OrtSessionRunnerOptions {
  /**
   * Execution providers in order of preference. ORT throws instead of falling back when a provider's
   * libraries are missing, so each is tried in turn; every fallback is logged at warn level with the
   * reason. List only `['cpu']` on machines without a GPU to skip the probe.
   * @default ['cuda', 'cpu']
   */
  readonly executionProviders?: readonly ExecutionProviderName[];
  /** GPU ordinal for `cuda` and `tensorrt`. @default 0 */
  readonly deviceId?: number;
  /** Threads ORT uses inside one operator; 0 lets ORT pick (all cores). @default 1 */
  readonly intraOpNumThreads?: number;
  /** Threads ORT uses across independent operators (parallel execution mode only). @default 1 */
  readonly interOpNumThreads?: number;
  /** How far ORT rewrites the graph when it loads it. @default 'all' */
  readonly graphOptimizationLevel?: GraphOptimizationLevel;
  /**
   * Ask for reproducible results: sequential execution and ORT's deterministic kernels
   * (`session.use_deterministic_compute`), so a run with the same seed gives the same model.
   * @default true
   */
  readonly deterministic?: boolean;
  /**
   * Move feed buffers to the worker instead of copying them: the fastest path for a training loop that
   * feeds each step's outputs back in, but the caller's feed arrays are detached (length 0) afterwards.
   * Views that share a buffer with other data are always copied.
   * @default false
   */
  readonly transferFeeds?: boolean;
  /**
   * Level of ORT's native log lines. Every ORT failure also surfaces as an error that this lib logs or
   * throws, so by default only fatal lines pass; use 'warning' to see, for example, which CUDA library
   * failed to load. Process-wide: the first session created in a process fixes it.
   * @default 'fatal'
   */
  readonly ortLogLevel?: OrtLogLevel;
  /** Where provider fallbacks and worker failures are logged. @default createLogger({ name: 'ort-runtime' }) */
  readonly logger?: Logger;
  /** JS heap limits for the session's worker thread (ORT's own tensors live outside them). @default Node's defaults */
  readonly workerResourceLimits?: ResourceLimits;
}

/** Session options as the worker hands them to `InferenceSession.create`, minus the provider. */
export interface WorkerSessionOptions {
  readonly intraOpNumThreads: number;
  readonly interOpNumThreads: number;
  readonly graphOptimizationLevel: GraphOptimizationLevel;
  readonly executionMode: 'sequential' | 'parallel';
  readonly logSeverityLevel: 0 | 1 | 2 | 3 | 4;
  readonly extra: { readonly session: Readonly<Record<string, string>> };
}

/** {@link OrtSessionRunnerOptions} with every default applied and checked. */
export interface CompiledOrtOptions {
  readonly executionProviders: readonly ExecutionProviderName[];
  readonly deviceId: number;
  readonly sessionOptions: WorkerSessionOptions;
  readonly ortLogLevel: OrtLogLevel;
  readonly transferFeeds: boolean;
  readonly logger: Logger;
  readonly workerResourceLimits: ResourceLimits | undefined;
}

/** Applies defaults to runner options and checks them; throws `HEARTH_ERR_ORT_INVALID_OPTIONS` naming the option. */
export function compileOrtOptions(options: OrtSessionRunnerOptions = {}): CompiledOrtOptions {
  const executionProviders = [...(options.executionProviders ?? ['cuda', 'cpu'])];
  if (executionProviders.length === 0) invalid('executionProviders must name at least one provider', { executionProviders });
  for (const provider of executionProviders) {
    if (!(EXECUTION_PROVIDERS as readonly string[]).includes(provider)) {
      invalid(`unknown execution provider ${JSON.stringify(provider)} (known: ${EXECUTION_PROVIDERS.join(', ')})`, { provider });
    }
  }
  if (new Set(executionProviders).size !== executionProviders.length) {
    invalid('executionProviders lists a provider twice', { executionProviders });
  }
  const deviceId = checkCount('deviceId', options.deviceId ?? 0);
  const intraOpNumThreads = checkCount('intraOpNumThreads', options.intraOpNumThreads ?? 1);
  const interOpNumThreads = checkCount('interOpNumThreads', options.interOpNumThreads ?? 1);
  const graphOptimizationLevel = options.graphOptimizationLevel ?? 'all';
  if (!OPTIMIZATION_LEVELS.includes(graphOptimizationLevel)) {
    invalid(`unknown graphOptimizationLevel ${JSON.stringify(graphOptimizationLevel)}`, { graphOptimizationLevel });
  }
  const ortLogLevel = options.ortLogLevel ?? 'fatal';
  const logSeverityLevel = ORT_LOG_SEVERITY[ortLogLevel];
  if (logSeverityLevel === undefined) invalid(`unknown ortLogLevel ${JSON.stringify(ortLogLevel)}`, { ortLogLevel });
  const deterministic = options.deterministic ?? true;
  return {
    executionProviders,
    deviceId,
    sessionOptions: {
      intraOpNumThreads,
      interOpNumThreads,
      graphOptimizationLevel,
      executionMode: deterministic || interOpNumThreads <= 1 ? 'sequential' : 'parallel',
      logSeverityLevel: logSeverityLevel as WorkerSessionOptions['logSeverityLevel'],
      extra: { session: { use_deterministic_compute: deterministic ? '1' : '0' } },
    },
    ortLogLevel,
    transferFeeds: options.transferFeeds ?? false,
    logger: options.logger ?? createLogger({ name: 'ort-runtime' }),
    workerResourceLimits: options.workerResourceLimits,
  };
}

function checkCount(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) invalid(`${name} must be a non-negative integer, got ${value}`, { [name]: value });
  return value;
}

function invalid(message: string, context: Record<string, unknown>): never {
  throw ortError(OrtErrorCode.INVALID_OPTIONS, message, { context });
}
