import { randomUUID } from 'node:crypto';
import { Messenger } from '@hearth/comm';
import type { ClientTlsOptions, Connection, Driver } from '@hearth/comm';
import { isHearthError, toError } from '@hearth/core';
import type { HearthError, Logger } from '@hearth/core';
import { FederationErrorCode, federationError } from '../errors.js';
import { Backoff } from '../internal/backoff.js';
import type { BackoffOptions } from '../internal/backoff.js';
import { continuedConnection, sayHello } from './handshake.js';
import type { SessionMessengerOptions } from './session-server.js';
import { SessionTopic } from './session-topic.js';

/** Options for {@link SessionClient}. */
export interface SessionClientOptions {
  readonly driver: Driver;
  /** Host of the listening side; must match its certificate (or set `tls.serverName`). */
  readonly host: string;
  readonly port: number;
  /** CA that the server certificate must chain to, and this site's certificate for mutual TLS. */
  readonly tls?: ClientTlsOptions;
  /** Largest frame, in bytes. @default the driver's (4 MiB) */
  readonly maxFrameBytes?: number;
  /** The site this side speaks for. */
  readonly site: string;
  /** Its secret for this server (a site token or a job token); absent with certificate logins. */
  readonly token?: string;
  /** How long one connection attempt, and the handshake, may take. @default 10000 */
  readonly connectTimeoutMs?: number;
  /** Delays between reconnection attempts. @default see {@link BackoffOptions} */
  readonly backoff?: BackoffOptions;
  /** Give up after this long without a connection (then `onLost` is called); 0 never gives up. @default 0 */
  readonly giveUpAfterMs?: number;
  /** Settings of the messenger. @default the messenger defaults */
  readonly messenger?: SessionMessengerOptions;
  readonly logger: Logger;
  /** Registers the protocol's handlers on the messenger, before the first connection. */
  readonly setup?: (messenger: Messenger) => void;
  /** A connection was established and welcomed (`resumed`: the server still had this session). */
  readonly onConnected?: (info: { readonly resumed: boolean }) => void;
  /** The session is over for good: the server refused the login, or `giveUpAfterMs` passed. Not called by `close()`. */
  readonly onLost?: (error: HearthError) => void;
}

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/**
 * The dialling half of Hearth's connections (client parent to server parent, client job process to server
 * job process): connects out, logs in with a hello handshake, keeps the session alive with heartbeats and
 * reconnects with exponential backoff and jitter when the connection breaks. One messenger serves every
 * connection of the session, so an interrupted transfer resumes where it stopped.
 */
export class SessionClient {
  readonly messenger: Messenger;
  readonly #options: SessionClientOptions;
  readonly #sessionId = randomUUID();
  readonly #backoff: Backoff;
  readonly #waiters: Waiter[] = [];
  #connection: Connection | undefined;
  #running: Promise<void> | undefined;
  #sleep: { readonly timer: NodeJS.Timeout; readonly wake: () => void } | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #lost: HearthError | undefined;
  #closed = false;

  constructor(options: SessionClientOptions) {
    if (!Number.isSafeInteger(options.port) || options.port < 1 || options.port > 65535) {
      throw federationError(FederationErrorCode.INVALID_OPTIONS, `session client: port must be 1-65535, got ${String(options.port)}`);
    }
    this.#options = options;
    this.#backoff = new Backoff(options.backoff);
    this.messenger = new Messenger({ ...options.messenger, logger: options.logger });
    options.setup?.(this.messenger);
  }

  /** True while a welcomed connection is attached. */
  get connected(): boolean {
    return this.#connection !== undefined;
  }

  /** Starts connecting (idempotent) and resolves once the first connection is welcomed; rejects when the session is lost first. */
  start(): Promise<void> {
    this.#running ??= this.#run();
    return this.whenConnected();
  }

  /** Resolves while or once connected; rejects with the reason when the session is lost or closed first. */
  whenConnected(): Promise<void> {
    if (this.#lost !== undefined) return Promise.reject(this.#lost);
    if (this.#closed) return Promise.reject(federationError(FederationErrorCode.CLOSED, `the session of ${this.#options.site} is closed`));
    if (this.#connection !== undefined) return Promise.resolve();
    return new Promise<void>((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  /**
   * Says goodbye (the server ends the session at once instead of waiting out its grace period), when
   * connected; never throws.
   */
  async leave(timeoutMs = 2000): Promise<void> {
    if (this.#connection === undefined) return;
    await this.messenger.request({ topic: SessionTopic.LEAVE, timeoutMs }).catch((err: unknown) => {
      this.#options.logger.debug({ err: toError(err) }, 'goodbye was not acknowledged');
    });
  }

  /** Stops reconnecting and heartbeats and closes the messenger and its connection. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#heartbeat);
    if (this.#sleep !== undefined) {
      clearTimeout(this.#sleep.timer);
      this.#sleep.wake();
    }
    this.#fail(federationError(FederationErrorCode.CLOSED, `the session of ${this.#options.site} is closed`));
    await this.messenger.close();
    await this.#running;
  }

  async #run(): Promise<void> {
    const { logger } = this.#options;
    let disconnectedSince = Date.now();
    while (!this.#closed) {
      try {
        await this.#connectOnce();
        disconnectedSince = Date.now();
      } catch (err) {
        const error = toError(err);
        if (isHearthError(error, FederationErrorCode.AUTH_FAILED)) {
          this.#giveUp(error);
          return;
        }
        logger.debug({ err: error }, 'connection attempt failed: %s', error.message);
      }
      if (this.#closed) return;
      const giveUpAfter = this.#options.giveUpAfterMs ?? 0;
      if (giveUpAfter > 0 && Date.now() - disconnectedSince > giveUpAfter) {
        const { host, port } = this.#options;
        this.#giveUp(federationError(FederationErrorCode.TIMEOUT, `no connection to ${host}:${port} for ${giveUpAfter} ms; giving up`));
        return;
      }
      await this.#pause(this.#backoff.next());
    }
  }

  /** One connection: dial, handshake, attach, then wait until it breaks. */
  async #connectOnce(): Promise<void> {
    const { driver, host, port, tls, maxFrameBytes, site, token, logger } = this.#options;
    const connectTimeoutMs = this.#options.connectTimeoutMs ?? 10_000;
    const connection = await driver.connect({
      host,
      port,
      connectTimeoutMs,
      ...(tls === undefined ? {} : { tls }),
      ...(maxFrameBytes === undefined ? {} : { maxFrameBytes }),
    });
    if (this.#closed) {
      await connection.close();
      return;
    }
    const hello = { hearth: 'hello' as const, version: 1 as const, site, session: this.#sessionId, ...(token === undefined ? {} : { token }) };
    const welcome = await sayHello(connection, { hello, timeoutMs: connectTimeoutMs });
    if (this.#closed) {
      await connection.close();
      return;
    }
    const continued = continuedConnection(connection, { rest: welcome.rest, peerIdentity: connection.peerIdentity });
    this.messenger.attach(continued);
    this.#connection = continued;
    this.#backoff.reset();
    logger.info({ server: `${host}:${port}`, resumed: welcome.resumed }, 'connected');
    for (const waiter of this.#waiters.splice(0)) waiter.resolve();
    this.#startHeartbeat(continued, welcome.heartbeatIntervalMs);
    this.#options.onConnected?.({ resumed: welcome.resumed });
    const reason = await continued.closed;
    clearInterval(this.#heartbeat);
    this.#connection = undefined;
    if (!this.#closed) logger.warn({ err: reason.error, by: reason.by }, 'connection to %s:%d lost; reconnecting', host, port);
  }

  #startHeartbeat(connection: Connection, intervalMs: number): void {
    let inFlight = false;
    this.#heartbeat = setInterval(() => {
      if (inFlight) return;
      inFlight = true;
      this.messenger
        .request({ topic: SessionTopic.HEARTBEAT, timeoutMs: intervalMs * 2 })
        .catch((err: unknown) => {
          if (this.#connection !== connection || this.#closed) return;
          const error = toError(err);
          this.#options.logger.warn({ err: error }, 'heartbeat failed; dropping the connection');
          void connection.close(federationError(FederationErrorCode.TIMEOUT, `heartbeat failed: ${error.message}`));
        })
        .finally(() => {
          inFlight = false;
        });
    }, intervalMs);
  }

  #pause(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.#sleep = undefined;
        resolve();
      }, ms);
      this.#sleep = { timer, wake: resolve };
    });
  }

  #giveUp(error: HearthError): void {
    this.#options.logger.error({ err: error }, 'session lost: %s', error.message);
    this.#fail(error);
    this.#options.onLost?.(error);
  }

  #fail(error: HearthError): void {
    this.#lost ??= error;
    for (const waiter of this.#waiters.splice(0)) waiter.reject(error);
  }
}
