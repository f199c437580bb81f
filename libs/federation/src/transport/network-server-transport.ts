import type { BufferSink, FileSink } from '@hearth/comm';
import type { Connection, Driver, IncomingStream, ServerTlsOptions } from '@hearth/comm';
import { encodeShareableParts } from '@hearth/codec';
import { HeaderKey, ReturnCode, Shareable, toError } from '@hearth/core';
import type { Logger } from '@hearth/core';
import { decodeAnalyticsMessage, EngineErrorCode, engineError } from '@hearth/engine';
import type { ServerTransport, ServerTransportHandler, TaskMessage } from '@hearth/engine';
import { FederationErrorCode, federationError } from '../errors.js';
import { jsonBytes } from '../internal/check-value.js';
import { tokenMatches } from '../internal/tokens.js';
import type { Hello } from '../session/handshake.js';
import type { ServerSession } from '../session/server-session.js';
import { SessionServer } from '../session/session-server.js';
import type { SessionMessengerOptions } from '../session/session-server.js';
import { JobTopic } from './job-topic.js';
import type { TaskMeta } from './job-topic.js';
import { Spool } from './spool.js';
import type { SpoolOptions } from './spool.js';
import { payloadLimit, taskPayloadSink } from './task-payload.js';

/** Options for {@link NetworkServerTransport}. */
export interface NetworkServerTransportOptions {
  /** The deployment's driver (grpc or ws); the job listens with the same one as its server. */
  readonly driver: Driver;
  /** Interface to bind. @default '127.0.0.1' */
  readonly host?: string;
  /** Port to bind. @default 0 (the OS picks; read it back from {@link NetworkServerTransport.port}) */
  readonly port?: number;
  /** The server certificate (and client CA for mutual TLS). Network drivers require it. */
  readonly tls?: ServerTlsOptions;
  /** The sites that may join this job, with the SHA-256 of each one's job token. */
  readonly sites: ReadonlyMap<string, string>;
  /** Mutual TLS: a client certificate's CN must be the site it logs in as. @default false */
  readonly requireCertificateIdentity?: boolean;
  /** Interval at which clients must send heartbeats. */
  readonly heartbeatIntervalMs: number;
  /** A client silent (or disconnected) this long is reported dead to the engine. */
  readonly deadAfterMs: number;
  /** Largest result accepted from a client, in bytes. @default buffer.constants.MAX_LENGTH in memory, 64 GiB with a spool */
  readonly maxPayloadBytes?: number;
  /**
   * Where results larger than `aboveBytes` go: a file in `dir` instead of memory, read back with the tensors left in
   * the file (folded into the aggregate a slice at a time). @default all in memory
   */
  readonly spool?: SpoolOptions;
  /** Settings of each client's messenger. @default the messenger defaults */
  readonly messenger?: SessionMessengerOptions;
  readonly logger: Logger;
}

/**
 * The server end of a job over the network, for the server job process. Clients connect to it directly
 * and log in with their site name and job token; each site's identity is bound to its connection. Tasks
 * are pushed over the client's connection and results come back as chunked, resumable streams, so large
 * models never sit in one frame. A client whose connection breaks has `deadAfterMs` to come back before
 * the engine hears it is dead; a client process that restarted is reported dead, then joined.
 */
export class NetworkServerTransport implements ServerTransport {
  readonly #options: NetworkServerTransportOptions;
  readonly #server: SessionServer;
  readonly #maxPayloadBytes: number;
  readonly #spool: Spool | undefined;
  #handler: ServerTransportHandler | undefined;
  #closed = false;

  constructor(options: NetworkServerTransportOptions) {
    if (!(options.sites instanceof Map) || options.sites.size === 0) {
      throw federationError(FederationErrorCode.INVALID_OPTIONS, 'network server transport: sites must map at least one site to its token hash');
    }
    this.#options = options;
    this.#spool = options.spool === undefined ? undefined : new Spool(options.spool, options.logger);
    this.#maxPayloadBytes = payloadLimit(options.maxPayloadBytes, this.#spool);
    this.#server = new SessionServer({
      driver: options.driver,
      ...(options.host === undefined ? {} : { host: options.host }),
      ...(options.port === undefined ? {} : { port: options.port }),
      ...(options.tls === undefined ? {} : { tls: options.tls }),
      ...(options.messenger === undefined ? {} : { messenger: options.messenger }),
      heartbeatIntervalMs: options.heartbeatIntervalMs,
      deadAfterMs: options.deadAfterMs,
      logger: options.logger,
      authenticate: (hello, connection) => this.#authenticate(hello, connection),
      setup: (session) => this.#setup(session),
      onJoined: (session) => this.#handler?.clientJoined(session.site),
      onLeft: (session, reason) => this.#handler?.clientLeft(session.site, reason),
    });
  }

  /** The bound port, once listening. */
  get port(): number {
    return this.#server.port;
  }

  /** Starts accepting clients; bind the engine first so no join is missed. Resolves with the port. */
  listen(): Promise<number> {
    return this.#server.listen();
  }

  bind(handler: ServerTransportHandler): void {
    this.#handler = handler;
  }

  async pushTask(client: string, message: TaskMessage): Promise<void> {
    const session = this.#session(client);
    const meta: TaskMeta = { taskName: message.taskName, taskId: message.taskId };
    const parts = encodeShareableParts(message.data);
    await session.whenConnected();
    await session.messenger.stream({ topic: JobTopic.TASK, parts, meta: jsonBytes(meta) });
  }

  async revokeTask(client: string, taskId: string): Promise<void> {
    const session = this.#session(client);
    if (!session.connected) return;
    await session.messenger.send({ topic: JobTopic.REVOKE, body: jsonBytes({ taskId }) });
  }

  async abortJob(): Promise<void> {
    await this.#broadcast(JobTopic.ABORT, {});
  }

  /** Tells every connected client that the job is over (`status` as the engine reported it), so they close. */
  async end(status: string): Promise<void> {
    if (this.#closed) return;
    await this.#broadcast(JobTopic.END, { status });
  }

  /** Stops listening, closes every client's session and removes the spool. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#server.close();
    this.#spool?.close();
  }

  #session(client: string): ServerSession {
    if (this.#closed) throw engineError(EngineErrorCode.TRANSPORT_CLOSED, 'the network server transport is closed');
    const session = this.#server.session(client);
    if (session === undefined) throw engineError(EngineErrorCode.UNKNOWN_CLIENT, `client ${client} is not connected to this job`, { client });
    return session;
  }

  async #broadcast(topic: string, body: unknown): Promise<void> {
    const sends = this.#server
      .sessions()
      .filter((session) => session.connected)
      .map((session) =>
        session.messenger.send({ topic, body: jsonBytes(body) }).catch((err: unknown) => {
          this.#options.logger.warn({ err: toError(err), client: session.site, topic }, 'could not tell a client');
        }),
      );
    await Promise.all(sends);
  }

  #authenticate(hello: Hello, connection: Connection): string {
    const expected = this.#options.sites.get(hello.site);
    if (expected === undefined) {
      throw federationError(FederationErrorCode.AUTH_FAILED, `site ${hello.site} does not take part in this job`, { context: { site: hello.site } });
    }
    if (this.#options.requireCertificateIdentity === true && connection.peerIdentity !== hello.site) {
      throw federationError(FederationErrorCode.AUTH_FAILED, `the certificate of ${String(connection.peerIdentity)} cannot log in as ${hello.site}`, {
        context: { site: hello.site, identity: connection.peerIdentity },
      });
    }
    if (hello.token === undefined || !tokenMatches(hello.token, expected)) {
      throw federationError(FederationErrorCode.AUTH_FAILED, `wrong job token for site ${hello.site}`, { context: { site: hello.site } });
    }
    return hello.site;
  }

  #setup(session: ServerSession): void {
    const { messenger, site } = session;
    messenger.handleStream(JobTopic.RESULT, (incoming) => this.#resultSink(site, incoming));
    messenger.handle(JobTopic.ANALYTICS, (message) => {
      if (!this.#closed) this.#handler?.analyticsReceived(site, decodeAnalyticsMessage(message.body));
      return undefined;
    });
  }

  #resultSink(site: string, incoming: IncomingStream): BufferSink | FileSink {
    return taskPayloadSink({
      incoming,
      what: `result stream meta from ${site}`,
      spool: this.#spool,
      label: (meta) => `${site}-${meta.taskId}`,
      maxPayloadBytes: this.#maxPayloadBytes,
      loadSpooled: false,
      receive: (meta, decode) => void this.#deliver(site, meta, decode),
    });
  }

  /** Hands a received result to the engine; `decode` reads it from memory or from its spooled file. */
  async #deliver(site: string, meta: TaskMeta, decode: () => Promise<Shareable>): Promise<void> {
    if (this.#closed) return;
    let result: Shareable;
    try {
      result = await decode();
    } catch (err) {
      const error = toError(err);
      this.#options.logger.warn({ err: error, client: site, taskId: meta.taskId }, 'result from a client cannot be decoded');
      result = Shareable.withReturnCode(ReturnCode.COMMUNICATION_ERROR, `the result could not be decoded: ${error.message}`);
      result.headers[HeaderKey.TASK_NAME] = meta.taskName;
      result.headers[HeaderKey.TASK_ID] = meta.taskId;
    }
    if (!this.#closed) this.#handler?.resultReceived(site, { taskName: meta.taskName, taskId: meta.taskId, result });
  }
}
