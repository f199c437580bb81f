import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Connection, Driver } from '@hearth/comm';
import { toError } from '@hearth/core';
import type { Logger } from '@hearth/core';
import { createDriver } from '../config/driver-name.js';
import type { ServerConfig } from '../config/server-config.js';
import { ControlTopic, JobStateReportSchema } from '../control/control-topic.js';
import { FederationErrorCode, federationError } from '../errors.js';
import { checkValue, parseJsonBytes } from '../internal/check-value.js';
import { tokenMatches } from '../internal/tokens.js';
import type { Hello } from '../session/handshake.js';
import type { ServerSession } from '../session/server-session.js';
import { SessionServer } from '../session/session-server.js';
import type { AdminBackend } from './admin-backend.js';
import { AdminEndpoint } from './admin-endpoint.js';
import { JobManager } from './job-manager.js';
import { JobStore } from './job-store.js';
import { removeServerEndpoints, writeServerEndpoints } from './server-endpoints.js';

/** Options for {@link ServerDaemon.start}. */
export interface ServerDaemonOptions {
  readonly config: ServerConfig;
  /** The compiled module each server job process runs (the server app's job entry). */
  readonly jobProcessEntry: string;
  readonly logger: Logger;
  /** The transport. @default the one the config names */
  readonly driver?: Driver;
}

/**
 * The server parent (SP): holds the control connections of the client parents (login with site token or
 * client certificate, heartbeats, dead-client detection), the job store and the job manager (a server job
 * process per job), and the admin endpoint on 127.0.0.1. It writes `run/endpoints.json` once it listens.
 * `close()` aborts running jobs, waits for their processes, closes every connection and removes the
 * endpoints file.
 */
export class ServerDaemon {
  readonly #options: ServerDaemonOptions;
  readonly #sessions: SessionServer;
  readonly #jobs: JobManager;
  #admin: AdminEndpoint | undefined;
  #closing: Promise<void> | undefined;

  private constructor(options: ServerDaemonOptions, store: JobStore) {
    const { config, logger } = options;
    this.#options = options;
    this.#sessions = new SessionServer({
      driver: options.driver ?? createDriver(config.driver, logger),
      host: config.host,
      port: config.port,
      tls: config.tls,
      heartbeatIntervalMs: config.heartbeatIntervalMs,
      deadAfterMs: config.deadClientGraceMs,
      logger,
      authenticate: (hello, connection) => this.#authenticate(hello, connection),
      setup: (session) => this.#setup(session),
      onJoined: (session) => this.#jobs.clientOnline(session),
    });
    this.#jobs = new JobManager({
      config,
      store,
      online: () => new Map(this.#sessions.sessions().map((session) => [session.site, session])),
      jobProcessEntry: options.jobProcessEntry,
      logger,
    });
  }

  /** Opens the job store, starts both listeners and writes the endpoints file. */
  static async start(options: ServerDaemonOptions): Promise<ServerDaemon> {
    const { config, logger } = options;
    await mkdir(config.workspaceDir, { recursive: true });
    const store = await JobStore.open({ dir: join(config.workspaceDir, 'jobs'), logger });
    const daemon = new ServerDaemon(options, store);
    try {
      await daemon.#start();
    } catch (err) {
      await daemon.close();
      throw err;
    }
    return daemon;
  }

  /** The port client parents dial. */
  get clientPort(): number {
    return this.#sessions.port;
  }

  /** The port of the admin endpoint. */
  get adminPort(): number {
    if (this.#admin === undefined) throw federationError(FederationErrorCode.CLOSED, 'the admin endpoint is not listening');
    return this.#admin.port;
  }

  /** What the admin endpoint serves; also usable in-process. */
  get admin(): AdminBackend {
    const jobs = this.#jobs;
    const sessions = this.#sessions;
    return {
      submit: (input) => jobs.submit(input),
      list: () => jobs.list(),
      get: (id) => jobs.get(id),
      abort: (id) => jobs.abort(id),
      result: (id) => jobs.result(id),
      clients: () => sessions.sessions().map((session) => ({ site: session.site, connected: session.connected })),
    };
  }

  /** Stops taking admin requests, aborts running jobs and waits for them, closes every connection. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  async #start(): Promise<void> {
    const { config, logger } = this.#options;
    const clientPort = await this.#sessions.listen();
    this.#admin = await AdminEndpoint.start({
      host: config.admin.host,
      port: config.admin.port,
      tls: { cert: config.tls.cert, key: config.tls.key },
      tokenSha256: config.admin.tokenSha256,
      backend: this.admin,
      maxBodyBytes: config.maxBundleBytes,
      logger,
    });
    await writeServerEndpoints(config.workspaceDir, {
      pid: process.pid,
      driver: config.driver,
      host: config.host,
      client_port: clientPort,
      admin_port: this.#admin.port,
      started_at: new Date().toISOString(),
    });
    logger.info({ driver: config.driver, host: config.host, clientPort, adminPort: this.#admin.port }, 'server listening');
    this.#jobs.schedule();
  }

  async #shutdown(): Promise<void> {
    const { config, logger } = this.#options;
    logger.info('server shutting down');
    await this.#admin?.close();
    await this.#jobs.shutdown();
    await this.#sessions.close();
    await removeServerEndpoints(config.workspaceDir);
    logger.info('server stopped');
  }

  #authenticate(hello: Hello, connection: Connection): string {
    const { config } = this.#options;
    const client = config.clients.get(hello.site);
    if (client === undefined) {
      throw federationError(FederationErrorCode.AUTH_FAILED, `site ${hello.site} is not registered with this server`, { context: { site: hello.site } });
    }
    if (config.mutualTls) {
      if (connection.peerIdentity !== hello.site) {
        throw federationError(FederationErrorCode.AUTH_FAILED, `the certificate of ${String(connection.peerIdentity)} cannot log in as ${hello.site}`, {
          context: { site: hello.site, identity: connection.peerIdentity },
        });
      }
      return hello.site;
    }
    if (hello.token === undefined || client.tokenSha256 === undefined || !tokenMatches(hello.token, client.tokenSha256)) {
      throw federationError(FederationErrorCode.AUTH_FAILED, `wrong token for site ${hello.site}`, { context: { site: hello.site } });
    }
    return hello.site;
  }

  #setup(session: ServerSession): void {
    session.messenger.handle(ControlTopic.JOB_STATE, (message) => {
      try {
        const what = `job state report from ${session.site}`;
        const report = checkValue({
          schema: JobStateReportSchema,
          value: parseJsonBytes(message.body, { what, code: FederationErrorCode.INVALID_MESSAGE }),
          what,
          code: FederationErrorCode.INVALID_MESSAGE,
        });
        this.#jobs.jobState(session.site, report);
      } catch (err) {
        this.#options.logger.warn({ err: toError(err), client: session.site }, 'ignoring a malformed job state report');
      }
      return undefined;
    });
  }
}
