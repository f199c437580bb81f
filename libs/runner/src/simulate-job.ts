import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { EventType, HearthError, silentLogger, writeJsonAtomic } from '@hearth/core';
import type { Logger } from '@hearth/core';
import { decodeShareable, encodeShareable } from '@hearth/codec';
import { createBuiltinRegistry } from '@hearth/components';
import { Simulator } from '@hearth/engine';
import type { EngineEvent, RunStatusValue, ShareableCodec } from '@hearth/engine';
import { SERVER_SITE, loadJob } from '@hearth/job';
import type { ComponentRegistry } from '@hearth/job';
import { closeSharedTrainerPool } from '@hearth/training';
import { WorkflowContextKey } from '@hearth/workflow';
import type { RoundSummary } from '@hearth/workflow';
import { RunnerErrorCode } from './errors.js';
import { METRICS_STREAMS_DIR, appOf, buildJobClientApp, buildJobServerApp } from './job-apps.js';

/** Options for {@link simulateJob}. */
export interface SimulateJobOptions {
  /** The job folder. */
  readonly jobDir: string;
  /** Client site names; see {@link simulatedSiteNames} for `-n N`. */
  readonly clients: readonly string[];
  /** Most clients executing at once. @default 1 */
  readonly threads?: number;
  /** Where the run writes: `server/` (models, and the streamed metrics under `server/metrics/`), one folder per client, and `metrics.json`. */
  readonly workspaceDir: string;
  /** Seed every component reads from the context. @default 0 */
  readonly seed?: number;
  /** Component types; @default the built-in registry */
  readonly registry?: ComponentRegistry;
  /** @default silentLogger() */
  readonly logger?: Logger;
  /** Aborting it aborts the job. */
  readonly signal?: AbortSignal;
  /** Sees every server and client event (progress displays). */
  readonly onEvent?: (event: EngineEvent) => void;
}

/** What a simulation produced. */
export interface SimulateJobResult {
  readonly status: RunStatusValue;
  readonly error?: Error;
  /** One summary per finished round, in order. */
  readonly rounds: readonly RoundSummary[];
  /** The last global model the persistor wrote, if any. */
  readonly modelPath: string | undefined;
  /** The per-round metrics file this run wrote. */
  readonly metricsPath: string;
  /** The folder of the streamed metrics, one `<site>.jsonl` per client that streamed. */
  readonly streamsDir: string;
  /** Tasks run, client activations and the peak number of clients active at once. */
  readonly stats: { readonly tasksExecuted: number; readonly activations: number; readonly peakActiveClients: number };
}

/** `site-1` … `site-N`, the names `hearth simulate -n N` gives its clients. */
export function simulatedSiteNames(count: number): string[] {
  if (!Number.isSafeInteger(count) || count < 1) {
    throw new HearthError(RunnerErrorCode.INVALID_OPTIONS, `the number of clients must be a whole number >= 1, got ${count}`);
  }
  return Array.from({ length: count }, (_, i) => `site-${i + 1}`);
}

const codec: ShareableCodec = { encode: encodeShareable, decode: decodeShareable };

/**
 * Runs a job folder in one process: validates it, builds the server app and (on swap-in) each client's app,
 * runs them in the {@link Simulator} over the codec, and writes `metrics.json` into the workspace. The
 * persistor the job configures writes the models under `server/`, and a {@link MetricsWriter} that every
 * simulated server app gets writes what clients stream to `server/metrics/<site>.jsonl`.
 */
export async function simulateJob(options: SimulateJobOptions): Promise<SimulateJobResult> {
  const registry = options.registry ?? createBuiltinRegistry();
  const seed = options.seed ?? 0;
  const workspaceDir = resolve(options.workspaceDir);
  const job = await loadJob(options.jobDir, { registry });
  const minClients = job.meta.min_clients ?? 1;
  if (options.clients.length < minClients) {
    throw new HearthError(
      RunnerErrorCode.INVALID_OPTIONS,
      `job ${job.meta.name} needs at least ${minClients} clients (meta.json min_clients), got ${options.clients.length}`,
    );
  }
  const missing = (job.meta.mandatory_clients ?? []).filter((site) => !options.clients.includes(site));
  if (missing.length > 0) {
    throw new HearthError(RunnerErrorCode.INVALID_OPTIONS, `job ${job.meta.name} requires clients ${missing.join(', ')}, which are not simulated`);
  }
  const siteApps = { job, registry, seed };
  const serverApp = await buildJobServerApp(siteApps);
  for (const site of options.clients) appOf(job, site);
  await mkdir(workspaceDir, { recursive: true });
  const streamsDir = join(workspaceDir, SERVER_SITE, METRICS_STREAMS_DIR);
  await rm(streamsDir, { recursive: true, force: true });

  const rounds: RoundSummary[] = [];
  const simulator = new Simulator({
    clients: options.clients,
    threads: options.threads ?? 1,
    serverApp,
    clientAppFactory: (site) => buildJobClientApp({ ...siteApps, site }),
    codec,
    workspaceDir,
    jobId: job.meta.name,
    logger: options.logger ?? silentLogger(),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  simulator.subscribe((event) => {
    if (event.site === SERVER_SITE && event.type === EventType.ROUND_DONE) {
      const summary = event.ctx.get<RoundSummary>(WorkflowContextKey.ROUND_SUMMARY);
      if (summary !== undefined) rounds.push(summary);
    }
    options.onEvent?.(event);
  });
  const outcome = await simulator.run().finally(closeSharedTrainerPool);
  const modelPath = ['final', 'last']
    .map((tag) => join(workspaceDir, SERVER_SITE, 'models', `${tag}.safetensors`))
    .find((path) => existsSync(path));
  const metricsPath = join(workspaceDir, 'metrics.json');
  const stats = { tasksExecuted: outcome.tasksExecuted, activations: outcome.activations, peakActiveClients: outcome.peakActiveClients };
  const report = {
    job: job.meta.name,
    status: outcome.status,
    ...(outcome.error === undefined ? {} : { error: outcome.error.message }),
    clients: options.clients.length,
    threads: options.threads ?? 1,
    seed,
    rounds,
    model: modelPath ?? null,
    stats,
  };
  await writeJsonAtomic(metricsPath, report);
  const error = outcome.error === undefined ? {} : { error: outcome.error };
  return { status: outcome.status, ...error, rounds, modelPath, metricsPath, streamsDir, stats };
}
