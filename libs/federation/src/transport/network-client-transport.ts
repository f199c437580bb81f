import type { BufferSink, FileSink } from '@hearth/comm';
import type { ClientTlsOptions, Driver, IncomingStream } from '@hearth/comm';
import { encodeShareableParts } from '@hearth/codec';
import { HeaderKey, ReturnCode, Shareable, toError } from '@hearth/core';
import type { HearthError, Logger } from '@hearth/core';
import { encodeAnalyticsMessage } from '@hearth/engine';
import type { AnalyticsMessage, ClientTransport, ClientTransportHandler, ResultMessage } from '@hearth/engine';
import type { Static } from 'typebox';
import { FederationErrorCode } from '../errors.js';
import type { BackoffOptions } from '../internal/backoff.js';
import { checkValue, jsonBytes, parseJsonBytes } from '../internal/check-value.js';
import { SessionClient } from '../session/session-client.js';
import type { SessionMessengerOptions } from '../session/session-server.js';
import { EndBodySchema, JobTopic, RevokeBodySchema } from './job-topic.js';
import type { TaskMeta } from './job-topic.js';
import { Spool } from './spool.js';
import type { SpoolOptions } from './spool.js';
import { payloadLimit, taskPayloadSink } from './task-payload.js';

/** Options for {@link NetworkClientTransport}. */
export interface NetworkClientTransportOptions {
  /** The deployment's driver; the same one the server job process listens with. */
  readonly driver: Driver;
  /** The job's endpoint, as the server parent announced it. */
  readonly host: string;
  readonly port: number;
  /** CA of the server certificate, and this site's certificate for mutual TLS. */
  readonly tls?: ClientTlsOptions;
  /** This site. */
  readonly site: string;
  /** The job-scoped token the server parent gave this site. */
  readonly token: string;
  /** Delays between reconnection attempts. @default see {@link BackoffOptions} */
  readonly backoff?: BackoffOptions;
  /** Give up after this long without a connection to the job; 0 never. @default 0 */
  readonly giveUpAfterMs?: number;
  /** Largest task accepted from the server, in bytes. @default buffer.constants.MAX_LENGTH in memory, 64 GiB with a spool */
  readonly maxPayloadBytes?: number;
  /**
   * Where tasks larger than `aboveBytes` go: a file in `dir` instead of memory, read back with the tensors left in
   * the file until the executor uses them. @default all in memory
   */
  readonly spool?: SpoolOptions;
  /** Settings of the messenger. @default the messenger defaults */
  readonly messenger?: SessionMessengerOptions;
  readonly logger: Logger;
  /** The server said the job is over (`completed`, `failed`, `aborted`) or aborted it. */
  readonly onJobEnd?: (status: string) => void;
  /** The job's server is gone for good (refused the login, or unreachable for `giveUpAfterMs`). */
  readonly onLost?: (error: HearthError) => void;
}

/**
 * The client end of a job over the network, for the client job process: connects out to the server job
 * process, logs in with its site and job token, receives pushed tasks and submits results as chunked,
 * resumable streams. It reconnects with backoff when the connection breaks, and the session (and any
 * transfer in flight) survives the reconnect.
 */
export class NetworkClientTransport implements ClientTransport {
  readonly site: string;
  readonly #options: NetworkClientTransportOptions;
  readonly #session: SessionClient;
  readonly #maxPayloadBytes: number;
  readonly #spool: Spool | undefined;
  #handler: ClientTransportHandler | undefined;
  #ended = false;

  constructor(options: NetworkClientTransportOptions) {
    this.site = options.site;
    this.#options = options;
    this.#spool = options.spool === undefined ? undefined : new Spool(options.spool, options.logger);
    this.#maxPayloadBytes = payloadLimit(options.maxPayloadBytes, this.#spool);
    this.#session = new SessionClient({
      driver: options.driver,
      host: options.host,
      port: options.port,
      site: options.site,
      token: options.token,
      logger: options.logger,
      ...(options.tls === undefined ? {} : { tls: options.tls }),
      ...(options.backoff === undefined ? {} : { backoff: options.backoff }),
      ...(options.giveUpAfterMs === undefined ? {} : { giveUpAfterMs: options.giveUpAfterMs }),
      ...(options.messenger === undefined ? {} : { messenger: options.messenger }),
      ...(options.onLost === undefined ? {} : { onLost: options.onLost }),
      setup: (messenger) => {
        messenger.handleStream(JobTopic.TASK, (incoming) => this.#taskSink(incoming));
        messenger.handle(JobTopic.REVOKE, (message) => {
          const body = this.#body(message.body, RevokeBodySchema, 'revoke message');
          this.#handler?.taskRevoked(body.taskId);
          return undefined;
        });
        messenger.handle(JobTopic.ABORT, () => {
          this.#handler?.jobAborted();
          this.#end('aborted');
          return undefined;
        });
        messenger.handle(JobTopic.END, (message) => {
          this.#end(this.#body(message.body, EndBodySchema, 'end message').status);
          return undefined;
        });
      },
    });
  }

  /** True once the server said the job is over. */
  get ended(): boolean {
    return this.#ended;
  }

  bind(handler: ClientTransportHandler): void {
    this.#handler = handler;
  }

  /** Connects and logs in; rejects with AUTH_FAILED when the job refuses this site or token. */
  join(): Promise<void> {
    return this.#session.start();
  }

  /** Says goodbye, unless the job is already over. */
  async leave(): Promise<void> {
    if (this.#ended) return;
    await this.#session.leave();
  }

  async submitResult(message: ResultMessage): Promise<void> {
    const meta: TaskMeta = { taskName: message.taskName, taskId: message.taskId };
    const parts = encodeShareableParts(message.result);
    await this.#session.whenConnected();
    await this.#session.messenger.stream({ topic: JobTopic.RESULT, parts, meta: jsonBytes(meta) });
  }

  async sendAnalytics(message: AnalyticsMessage): Promise<void> {
    await this.#session.messenger.send({ topic: JobTopic.ANALYTICS, body: encodeAnalyticsMessage(message) });
  }

  /** Closes the session and its connection, and removes the spool. Idempotent. */
  async close(): Promise<void> {
    await this.#session.close();
    this.#spool?.close();
  }

  #end(status: string): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#options.logger.info({ status }, 'the server ended the job');
    this.#options.onJobEnd?.(status);
  }

  #body<S extends typeof RevokeBodySchema | typeof EndBodySchema>(bytes: Uint8Array, schema: S, what: string): Static<S> {
    const value = parseJsonBytes(bytes, { what, code: FederationErrorCode.INVALID_MESSAGE });
    return checkValue({ schema, value, what, code: FederationErrorCode.INVALID_MESSAGE });
  }

  #taskSink(incoming: IncomingStream): BufferSink | FileSink {
    return taskPayloadSink({
      incoming,
      what: 'task stream meta',
      spool: this.#spool,
      label: (meta) => `task-${meta.taskId}`,
      maxPayloadBytes: this.#maxPayloadBytes,
      loadSpooled: true,
      receive: (meta, decode) => void this.#receive(meta, decode),
    });
  }

  /** Hands a received task to the engine; `decode` reads it from memory or from its spooled file. A task that cannot be read is answered BAD_TASK_DATA. */
  async #receive(meta: TaskMeta, decode: () => Promise<Shareable>): Promise<void> {
    try {
      this.#handler?.taskReceived({ taskName: meta.taskName, taskId: meta.taskId, data: await decode() });
    } catch (err) {
      const error = toError(err);
      this.#options.logger.error({ err: error, taskId: meta.taskId }, 'task from the server cannot be decoded');
      const result = Shareable.withReturnCode(ReturnCode.BAD_TASK_DATA, `the task could not be decoded: ${error.message}`);
      result.headers[HeaderKey.TASK_NAME] = meta.taskName;
      result.headers[HeaderKey.TASK_ID] = meta.taskId;
      this.submitResult({ taskName: meta.taskName, taskId: meta.taskId, result }).catch((cause: unknown) => {
        this.#options.logger.warn({ err: toError(cause), taskId: meta.taskId }, 'could not report the undecodable task');
      });
    }
  }
}
