import { randomUUID } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isHearthError, toError } from '@hearth/core';
import type { Logger } from '@hearth/core';
import { createBuiltinRegistry } from '@hearth/components';
import { ALL_SITES, JobStatus, deployedClientSites, isFinishedStatus, loadJob } from '@hearth/job';
import type { JobStatusValue } from '@hearth/job';
import { packFolder, unpackBundle } from '../bundle/folder-bundle.js';
import type { ServerConfig } from '../config/server-config.js';
import { ControlTopic } from '../control/control-topic.js';
import type { DeployMeta, JobStateReport } from '../control/control-topic.js';
import { FederationErrorCode, federationError } from '../errors.js';
import { checkValue, jsonBytes } from '../internal/check-value.js';
import { generateToken, hashToken } from '../internal/tokens.js';
import { FromServerJobSchema } from '../ipc/job-messages.js';
import type { FromServerJob, JobOutcome, ServerJobInit, ToServerJob } from '../ipc/job-messages.js';
import { JobProcess } from '../job-process/job-process.js';
import type { JobProcessExitInfo } from '../job-process/job-process.js';
import type { ServerSession } from '../session/server-session.js';
import type { JobRecord } from './job-record.js';
import { JobStore } from './job-store.js';

/** Options for {@link JobManager}. */
export interface JobManagerOptions {
  readonly config: ServerConfig;
  readonly store: JobStore;
  /** The client parents online now, by site. */
  readonly online: () => ReadonlyMap<string, ServerSession>;
  /** The compiled module a server job process runs. */
  readonly jobProcessEntry: string;
  readonly logger: Logger;
  /** How long a job process has to end after an abort before it is killed. @default 15000 */
  readonly stopGraceMs?: number;
}

/** What the manager holds for a job while its server job process lives. */
interface LiveJob {
  readonly id: string;
  readonly process: JobProcess;
  readonly participants: readonly string[];
  readonly tokens: ReadonlyMap<string, string>;
  readonly logger: Logger;
  port: number | undefined;
  finished: { readonly outcome: JobOutcome; readonly error: string | null } | undefined;
  /** Why the job must end abnormally (a client job process failed), if it must. */
  failure: string | undefined;
  /** Settles once the process exited and the record is final. */
  done: Promise<void>;
}

const OUTCOME_STATUS: Readonly<Record<JobOutcome, JobStatusValue>> = {
  completed: JobStatus.FINISHED_COMPLETED,
  aborted: JobStatus.FINISHED_ABORTED,
  failed: JobStatus.FINISHED_EXECUTION_EXCEPTION,
  not_started: JobStatus.FAILED_TO_RUN,
};

/**
 * The server parent's jobs: takes submissions (validated without running any submitted code), queues
 * them, dispatches one when its clients are online and a slot is free (a server job process per job,
 * listening on its own port, with a job-scoped token per participant), deploys the bundle to each
 * participant's client parent, follows progress, and settles the final status: the outcome the job process
 * reports, or FINISHED:ABNORMAL when a job process crashed. Returning clients get running jobs redeployed.
 */
export class JobManager {
  readonly #options: JobManagerOptions;
  readonly #live = new Map<string, LiveJob>();
  #closing = false;

  constructor(options: JobManagerOptions) {
    this.#options = options;
  }

  /** Every job, oldest first. */
  list(): JobRecord[] {
    return this.#options.store.list();
  }

  /** One job; throws JOB_NOT_FOUND. */
  get(id: string): JobRecord {
    return this.#options.store.get(id);
  }

  /** The ids of the jobs whose job process runs now. */
  liveJobs(): string[] {
    return [...this.#live.keys()];
  }

  /**
   * Stores and validates a submitted job bundle and queues it. Throws INVALID_BUNDLE for a bad bundle,
   * HEARTH_ERR_JOB_INVALID (with every problem) for a bad job, ADMIN_BAD_REQUEST when it names sites this
   * server does not know; nothing is kept then.
   */
  async submit(input: { readonly bundle: Uint8Array; readonly seed: number }): Promise<JobRecord> {
    const { store, config } = this.#options;
    if (this.#closing) throw federationError(FederationErrorCode.CLOSED, 'the server is shutting down');
    const id = randomUUID();
    const paths = store.paths(id);
    try {
      await unpackBundle({ bytes: input.bundle, dir: paths.jobDir, maxBytes: config.maxBundleBytes });
      const job = await loadJob(paths.jobDir, { registry: createBuiltinRegistry(), loadCustomCode: false });
      const sites = deployedClientSites(job.meta.deploy_map);
      const named = [...(sites === ALL_SITES ? [] : sites), ...(job.meta.mandatory_clients ?? [])];
      const unknown = named.filter((site) => !config.clients.has(site));
      if (unknown.length > 0) {
        throw federationError(FederationErrorCode.ADMIN_BAD_REQUEST, `job ${job.meta.name} names sites this server does not know: ${unknown.join(', ')}`, {
          context: { unknown },
        });
      }
      const record: JobRecord = {
        id,
        name: job.meta.name,
        status: JobStatus.SUBMITTED,
        submitted_at: new Date().toISOString(),
        started_at: null,
        finished_at: null,
        seed: input.seed,
        min_clients: job.meta.min_clients ?? 1,
        deploy_sites: sites === ALL_SITES ? ALL_SITES : [...sites],
        mandatory_clients: [...(job.meta.mandatory_clients ?? [])],
        participants: [],
        clients: [],
        current_round: null,
        num_rounds: null,
        rounds: [],
        error: null,
      };
      await store.add(record, input.bundle);
      this.#options.logger.info({ jobId: id, name: record.name, seed: input.seed }, 'job submitted');
      this.schedule();
      return record;
    } catch (err) {
      await store.discard(id);
      throw err;
    }
  }

  /** Aborts a job: a queued one ends at once, a dispatched or running one is asked to abort. Throws JOB_NOT_FOUND, JOB_FINISHED. */
  async abort(id: string, reason = 'aborted by an admin'): Promise<JobRecord> {
    const { store } = this.#options;
    const record = store.get(id);
    if (isFinishedStatus(record.status)) {
      throw federationError(FederationErrorCode.JOB_FINISHED, `job ${id} has finished (${record.status}); there is nothing to abort`, { context: { id } });
    }
    const live = this.#live.get(id);
    if (live === undefined) return store.update(id, { status: JobStatus.FINISHED_ABORTED, finished_at: new Date().toISOString(), error: reason });
    live.logger.warn({ reason }, 'aborting job');
    live.process.post({ type: 'abort', reason } satisfies ToServerJob);
    return record;
  }

  /** The job's server workspace (models, metrics) as a bundle, once the job has finished. */
  async result(id: string): Promise<Uint8Array> {
    const record = this.#options.store.get(id);
    const workspace = this.#options.store.paths(id).workspace;
    const ready = isFinishedStatus(record.status) && (await stat(workspace).then((s) => s.isDirectory(), () => false));
    if (!ready) {
      throw federationError(FederationErrorCode.JOB_RESULT_NOT_READY, `job ${id} is ${record.status} and has no results to download yet`, { context: { id } });
    }
    return packFolder({ dir: workspace });
  }

  /** A client parent came online: tell it which of its jobs still run, redeploy them, and try the queue. */
  clientOnline(session: ServerSession): void {
    const running = [...this.#live.values()].filter((job) => job.participants.includes(session.site));
    session.messenger.send({ topic: ControlTopic.SYNC, body: jsonBytes({ running: running.map((job) => job.id) }) }).catch((err: unknown) => {
      this.#options.logger.warn({ err: toError(err), client: session.site }, 'could not sync a client');
    });
    for (const job of running) if (job.port !== undefined) void this.#deploy(job, session);
    this.schedule();
  }

  /** A client parent reports on one of its job processes; a failure ends the job abnormally. */
  jobState(site: string, report: JobStateReport): void {
    const live = this.#live.get(report.jobId);
    if (live === undefined || !live.participants.includes(site)) return;
    if (report.state !== 'failed') {
      live.logger.info({ client: site, state: report.state, exitCode: report.exitCode }, 'client job process report');
      return;
    }
    const how = report.error ?? (report.signal === null ? `exited with code ${String(report.exitCode)}` : `was killed by ${report.signal}`);
    const failure = `the client job process of ${site} ${how}`;
    live.logger.error({ client: site, exitCode: report.exitCode, signal: report.signal }, failure);
    live.failure ??= failure;
    live.process.post({ type: 'abort', reason: failure } satisfies ToServerJob);
  }

  /** Dispatches queued jobs in submission order while slots are free and their clients are online. */
  schedule(): void {
    if (this.#closing) return;
    const { store, config } = this.#options;
    const online = this.#options.online();
    for (const record of store.list()) {
      if (this.#live.size >= config.maxRunningJobs) return;
      if (record.status !== JobStatus.SUBMITTED || this.#live.has(record.id)) continue;
      const participants = record.deploy_sites === ALL_SITES ? [...online.keys()].sort() : record.deploy_sites;
      const ready = participants.filter((site) => online.has(site));
      if (ready.length < record.min_clients || !record.mandatory_clients.every((site) => online.has(site))) continue;
      this.#dispatch(record, participants);
    }
  }

  /** Aborts every running job, waits for their processes (killing stragglers) and for the records. */
  async shutdown(): Promise<void> {
    this.#closing = true;
    const live = [...this.#live.values()];
    await Promise.all(
      live.map(async (job) => {
        await job.process.stop({ message: { type: 'abort', reason: 'the server is shutting down' } satisfies ToServerJob, graceMs: this.#options.stopGraceMs ?? 15_000 });
        await job.done;
      }),
    );
    await this.#options.store.flush();
  }

  #dispatch(record: JobRecord, participants: readonly string[]): void {
    const { store, config } = this.#options;
    const paths = store.paths(record.id);
    const logger = this.#options.logger.child({ jobId: record.id });
    const tokens = new Map(participants.map((site) => [site, generateToken()]));
    let process: JobProcess;
    try {
      process = JobProcess.start({ entry: this.#options.jobProcessEntry, outputFile: join(paths.logs, 'server-job.out'), logger });
    } catch (err) {
      logger.error({ err: toError(err) }, 'cannot start the server job process');
      void store.update(record.id, { status: JobStatus.FAILED_TO_RUN, finished_at: new Date().toISOString(), error: toError(err).message });
      return;
    }
    const live: LiveJob = { id: record.id, process, participants, tokens, logger, port: undefined, finished: undefined, failure: undefined, done: Promise.resolve() };
    this.#live.set(record.id, live);
    void store.update(record.id, { status: JobStatus.DISPATCHED, participants: [...participants] });
    logger.info({ participants, pid: process.pid }, 'job dispatched');
    const init: ServerJobInit = {
      jobId: record.id,
      jobDir: paths.jobDir,
      workspaceDir: paths.workspace,
      logFile: join(paths.logs, 'server-job.log'),
      logLevel: config.logLevel,
      seed: record.seed,
      driver: config.driver,
      host: config.jobHost,
      tls: { cert: config.tls.cert, key: config.tls.key, ...(config.tls.ca === undefined ? {} : { ca: config.tls.ca }) },
      mutualTls: config.mutualTls,
      participants: participants.map((site) => ({ site, tokenSha256: hashToken(tokens.get(site) ?? '') })),
      minClients: record.min_clients,
      startTimeoutMs: config.jobStartTimeoutMs,
      heartbeatIntervalMs: config.heartbeatIntervalMs,
      deadClientGraceMs: config.deadClientGraceMs,
      allowCustomCode: config.allowCustomCode,
      spoolAboveBytes: config.spoolAboveBytes,
    };
    process.post({ type: 'init', init } satisfies ToServerJob);
    process.channel.onMessage((raw) => this.#onMessage(live, raw));
    live.done = process.exited.then((exit) => this.#onExit(live, exit));
  }

  #onMessage(live: LiveJob, raw: unknown): void {
    let message: FromServerJob;
    try {
      message = checkValue({ schema: FromServerJobSchema, value: raw, what: 'message from a server job process', code: FederationErrorCode.INVALID_MESSAGE });
    } catch (err) {
      live.logger.warn({ err: toError(err) }, 'ignoring a malformed message from the job process');
      return;
    }
    const { store } = this.#options;
    switch (message.type) {
      case 'listening': {
        live.port = message.port;
        const online = this.#options.online();
        for (const site of live.participants) {
          const session = online.get(site);
          if (session !== undefined) void this.#deploy(live, session);
        }
        return;
      }
      case 'running':
        void store.update(live.id, { status: JobStatus.RUNNING, started_at: new Date().toISOString() });
        return;
      case 'round_started':
        void store.update(live.id, { current_round: message.round, num_rounds: message.numRounds });
        return;
      case 'round_done':
        void store.update(live.id, (record) => ({ rounds: [...record.rounds, message.summary] }));
        return;
      case 'clients':
        void store.update(live.id, { clients: message.clients });
        return;
      case 'finished':
        live.finished = { outcome: message.outcome, error: message.error };
        return;
    }
  }

  async #onExit(live: LiveJob, exit: JobProcessExitInfo): Promise<void> {
    const { store } = this.#options;
    this.#live.delete(live.id);
    const current = store.get(live.id).status;
    let status: JobStatusValue;
    let error: string | null;
    if (live.failure !== undefined) {
      status = JobStatus.FINISHED_ABNORMAL;
      error = live.failure;
    } else if (live.finished !== undefined) {
      status = OUTCOME_STATUS[live.finished.outcome];
      error = live.finished.error;
    } else {
      status = JobStatus.FINISHED_ABNORMAL;
      error = `the server job process ${exit.signal === null ? `exited with code ${String(exit.code)}` : `was killed by ${exit.signal}`}`;
    }
    if (!JobStore.allows(current, status)) status = current === JobStatus.DISPATCHED ? JobStatus.FAILED_TO_RUN : JobStatus.FINISHED_ABNORMAL;
    live.logger.info({ status, error, exitCode: exit.code, signal: exit.signal }, 'job ended');
    try {
      await store.update(live.id, { status, error, finished_at: new Date().toISOString(), clients: [] });
    } catch (err) {
      live.logger.error({ err: toError(err) }, 'could not record how the job ended');
    }
    const online = this.#options.online();
    for (const site of live.participants) {
      online
        .get(site)
        ?.messenger.send({ topic: ControlTopic.STOP, body: jsonBytes({ jobId: live.id, reason: `the job ended (${status})` }) })
        .catch(() => undefined);
    }
    this.schedule();
  }

  async #deploy(live: LiveJob, session: ServerSession): Promise<void> {
    const { store, config } = this.#options;
    const token = live.tokens.get(session.site);
    if (live.port === undefined || token === undefined) return;
    const meta: DeployMeta = { jobId: live.id, jobName: store.get(live.id).name, host: config.jobHost, port: live.port, token, seed: store.get(live.id).seed };
    try {
      await session.whenConnected();
      const bundle = await readFile(store.paths(live.id).bundle);
      await session.messenger.stream({ topic: ControlTopic.DEPLOY, parts: [bundle], meta: jsonBytes(meta) });
      live.logger.info({ client: session.site }, 'job deployed to a client');
    } catch (err) {
      const error = toError(err);
      const remote = isHearthError(error) ? error.context['remoteCode'] : undefined;
      if (remote === FederationErrorCode.JOB_ALREADY_RUNNING) live.logger.debug({ client: session.site }, 'the client already runs the job');
      else live.logger.warn({ err: error, client: session.site }, 'could not deploy the job to a client');
    }
  }
}
