import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { FileSink } from '@hearth/comm';
import type { Driver, IncomingStream } from '@hearth/comm';
import { toError } from '@hearth/core';
import type { Static } from 'typebox';
import type { HearthError, Logger } from '@hearth/core';
import { DEFAULT_MAX_BUNDLE_BYTES, unpackBundle } from '../bundle/folder-bundle.js';
import type { ClientConfig } from '../config/client-config.js';
import { createDriver } from '../config/driver-name.js';
import { ControlTopic, DeployMetaSchema, StopBodySchema, SyncBodySchema } from '../control/control-topic.js';
import type { DeployMeta, JobStateReport } from '../control/control-topic.js';
import { FederationErrorCode, federationError } from '../errors.js';
import { checkValue, jsonBytes, parseJsonBytes } from '../internal/check-value.js';
import { FromClientJobSchema } from '../ipc/job-messages.js';
import type { ClientJobInit, ToClientJob } from '../ipc/job-messages.js';
import { JobProcess } from '../job-process/job-process.js';
import { SessionClient } from '../session/session-client.js';

/** Options for {@link ClientDaemon}. */
export interface ClientDaemonOptions {
  readonly config: ClientConfig;
  /** The compiled module each client job process runs (the client app's job entry). */
  readonly jobProcessEntry: string;
  readonly logger: Logger;
  /** The transport. @default the one the config names */
  readonly driver?: Driver;
  /** The session is lost for good (the server refused this site's login). */
  readonly onLost?: (error: HearthError) => void;
  /** How long a job process has to stop before it is killed. @default 10000 */
  readonly stopGraceMs?: number;
}

/** One job this site runs, from deployment to the exit of its process. */
interface LocalJob {
  readonly id: string;
  process: JobProcess | undefined;
  stopping: boolean;
}

/**
 * The client parent (CP): keeps one control connection out to the server parent (site token or client
 * certificate, heartbeats, reconnects with exponential backoff and jitter), receives job bundles, and runs
 * each job in its own client job process that connects to the job's server process directly. A job process
 * that fails is reported to the server, which ends the job; `close()` stops every job process and leaves.
 */
export class ClientDaemon {
  readonly #options: ClientDaemonOptions;
  readonly #session: SessionClient;
  readonly #jobs = new Map<string, LocalJob>();
  #closing: Promise<void> | undefined;

  constructor(options: ClientDaemonOptions) {
    const { config, logger } = options;
    this.#options = options;
    this.#session = new SessionClient({
      driver: options.driver ?? createDriver(config.driver, logger),
      host: config.serverHost,
      port: config.serverPort,
      tls: config.tls,
      site: config.site,
      ...(config.token === undefined ? {} : { token: config.token }),
      backoff: { initialDelayMs: config.reconnectInitialDelayMs, maxDelayMs: config.reconnectMaxDelayMs },
      logger,
      setup: (messenger) => {
        messenger.handleStream(ControlTopic.DEPLOY, (incoming) => this.#deploy(incoming));
        messenger.handle(ControlTopic.SYNC, (message) => {
          const { running } = this.#decode(message.body, SyncBodySchema, 'sync message');
          for (const job of this.#jobs.values()) if (!running.includes(job.id)) void this.#stop(job, 'the server no longer runs the job');
          return undefined;
        });
        messenger.handle(ControlTopic.STOP, (message) => {
          const { jobId, reason } = this.#decode(message.body, StopBodySchema, 'stop message');
          const job = this.#jobs.get(jobId);
          if (job !== undefined) void this.#stop(job, reason);
          return undefined;
        });
      },
      ...(options.onLost === undefined ? {} : { onLost: options.onLost }),
    });
  }

  /** Starts connecting to the server (in the background: a server that is down is retried). */
  start(): void {
    this.#session.start().catch((err: unknown) => this.#options.logger.debug({ err: toError(err) }, 'control session ended'));
  }

  /** Resolves once connected to the server. */
  whenConnected(): Promise<void> {
    return this.#session.whenConnected();
  }

  /** The ids of the jobs whose process runs now. */
  runningJobs(): string[] {
    return [...this.#jobs.keys()];
  }

  /** Stops every job process (each leaves its job), says goodbye to the server and closes. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  async #shutdown(): Promise<void> {
    this.#options.logger.info('client shutting down');
    await Promise.all([...this.#jobs.values()].map((job) => this.#stop(job, 'the client is shutting down')));
    await this.#session.leave();
    await this.#session.close();
    this.#options.logger.info('client stopped');
  }

  #decode<S extends typeof SyncBodySchema | typeof StopBodySchema | typeof DeployMetaSchema>(bytes: Uint8Array, schema: S, what: string): Static<S> {
    const full = `${what} from the server`;
    return checkValue({ schema, value: parseJsonBytes(bytes, { what: full, code: FederationErrorCode.INVALID_MESSAGE }), what: full, code: FederationErrorCode.INVALID_MESSAGE });
  }

  #paths(jobId: string): { readonly root: string; readonly bundle: string; readonly jobDir: string; readonly workspace: string; readonly logs: string } {
    const root = join(this.#options.config.workspaceDir, 'jobs', jobId);
    return { root, bundle: join(root, 'bundle.hjb'), jobDir: join(root, 'job'), workspace: join(root, 'workspace'), logs: join(root, 'logs') };
  }

  async #deploy(incoming: IncomingStream): Promise<FileSink> {
    const meta = this.#decode(incoming.meta, DeployMetaSchema, 'deploy meta');
    if (this.#closing !== undefined) throw federationError(FederationErrorCode.CLOSED, 'this client is shutting down');
    if (this.#jobs.has(meta.jobId)) {
      throw federationError(FederationErrorCode.JOB_ALREADY_RUNNING, `site ${this.#options.config.site} already runs job ${meta.jobId}`, { context: { jobId: meta.jobId } });
    }
    const job: LocalJob = { id: meta.jobId, process: undefined, stopping: false };
    this.#jobs.set(meta.jobId, job);
    const paths = this.#paths(meta.jobId);
    try {
      await rm(paths.jobDir, { recursive: true, force: true });
      await mkdir(paths.root, { recursive: true });
      const sink = new FileSink({ path: paths.bundle, byteLength: incoming.totalBytes, maxBytes: DEFAULT_MAX_BUNDLE_BYTES });
      sink.result.then(
        () => void this.#launch(job, meta),
        () => this.#jobs.delete(meta.jobId),
      );
      return sink;
    } catch (err) {
      this.#jobs.delete(meta.jobId);
      throw err;
    }
  }

  async #launch(job: LocalJob, meta: DeployMeta): Promise<void> {
    const { config } = this.#options;
    const logger = this.#options.logger.child({ jobId: job.id });
    const paths = this.#paths(job.id);
    try {
      await unpackBundle({ bytes: await readFile(paths.bundle), dir: paths.jobDir });
      if (job.stopping) {
        this.#jobs.delete(job.id);
        return;
      }
      job.process = JobProcess.start({ entry: this.#options.jobProcessEntry, outputFile: join(paths.logs, 'client-job.out'), logger });
    } catch (err) {
      const error = toError(err);
      logger.error({ err: error }, 'cannot start the job on this site');
      this.#jobs.delete(job.id);
      this.#report({ jobId: job.id, state: 'failed', exitCode: null, signal: null, error: error.message });
      return;
    }
    const process = job.process;
    const init: ClientJobInit = {
      jobId: job.id,
      site: config.site,
      jobDir: paths.jobDir,
      workspaceDir: paths.workspace,
      logFile: join(paths.logs, 'client-job.log'),
      logLevel: config.logLevel,
      seed: meta.seed,
      driver: config.driver,
      host: meta.host,
      port: meta.port,
      tls: {
        ca: config.tls.ca,
        ...(config.tls.cert === undefined || config.tls.key === undefined ? {} : { cert: config.tls.cert, key: config.tls.key }),
        ...(config.tls.serverName === undefined ? {} : { serverName: config.tls.serverName }),
      },
      token: meta.token,
      allowCustomCode: config.allowCustomCode,
      reconnectInitialDelayMs: config.reconnectInitialDelayMs,
      reconnectMaxDelayMs: config.reconnectMaxDelayMs,
      giveUpAfterMs: config.jobServerGraceMs,
      spoolAboveBytes: config.spoolAboveBytes,
    };
    process.post({ type: 'init', init } satisfies ToClientJob);
    logger.info({ name: meta.jobName, pid: process.pid, endpoint: `${meta.host}:${meta.port}` }, 'job process started');
    process.channel.onMessage((raw) => {
      try {
        const message = checkValue({ schema: FromClientJobSchema, value: raw, what: 'message from a client job process', code: FederationErrorCode.INVALID_MESSAGE });
        if (message.type === 'joined') this.#report({ jobId: job.id, state: 'joined', exitCode: null, signal: null, error: null });
        else logger.info({ status: message.status }, 'job process ended its job');
      } catch (err) {
        logger.warn({ err: toError(err) }, 'ignoring a malformed message from the job process');
      }
    });
    const exit = await process.exited;
    this.#jobs.delete(job.id);
    const failed = !job.stopping && exit.code !== 0;
    logger.info({ exitCode: exit.code, signal: exit.signal, failed }, 'job process exited');
    this.#report({ jobId: job.id, state: failed ? 'failed' : 'exited', exitCode: exit.code, signal: exit.signal, error: null });
  }

  async #stop(job: LocalJob, reason: string): Promise<void> {
    job.stopping = true;
    const process = job.process;
    if (process === undefined) return;
    this.#options.logger.info({ jobId: job.id, reason }, 'stopping job process');
    await process.stop({ message: { type: 'stop', reason } satisfies ToClientJob, graceMs: this.#options.stopGraceMs ?? 10_000 });
  }

  #report(report: JobStateReport): void {
    if (!this.#session.connected) {
      this.#options.logger.warn({ report }, 'not connected; the job state report is dropped');
      return;
    }
    this.#session.messenger.send({ topic: ControlTopic.JOB_STATE, body: jsonBytes(report) }).catch((err: unknown) => {
      this.#options.logger.warn({ err: toError(err), report }, 'could not report a job state');
    });
  }
}
