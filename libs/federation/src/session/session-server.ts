import { Messenger } from '@hearth/comm';
import type { Connection, Driver, Listener, MessengerOptions, ServerTlsOptions } from '@hearth/comm';
import { isHearthError, toError } from '@hearth/core';
import type { Logger } from '@hearth/core';
import { ClientLeftReason } from '@hearth/engine';
import type { ClientLeftReasonValue } from '@hearth/engine';
import { FederationErrorCode, federationError } from '../errors.js';
import { continuedConnection, decodeHello, readFirstFrame, sendAnswer } from './handshake.js';
import type { Hello } from './handshake.js';
import { ServerSession } from './server-session.js';
import { SessionTopic } from './session-topic.js';

/** Messenger settings a session server or client hands to each messenger it makes. */
export type SessionMessengerOptions = Omit<MessengerOptions, 'logger' | 'peerIdentity'>;

/** Options for {@link SessionServer}. */
export interface SessionServerOptions {
  /** The transport (grpc or ws in deployments; inproc in tests). */
  readonly driver: Driver;
  /** Interface to bind. @default '127.0.0.1' */
  readonly host?: string;
  /** Port to bind; 0 lets the OS pick. @default 0 */
  readonly port?: number;
  /** Server certificate and, for mutual TLS, the client CA. Network drivers require it. */
  readonly tls?: ServerTlsOptions;
  /** Largest frame, in bytes. @default the driver's (4 MiB) */
  readonly maxFrameBytes?: number;
  /** Interval at which peers must send heartbeats; told to them in the welcome. */
  readonly heartbeatIntervalMs: number;
  /**
   * A peer silent for this long (no heartbeat while connected, or no reconnect after its connection broke)
   * is declared dead and its session ends.
   */
  readonly deadAfterMs: number;
  /** How long a new connection may take to send its hello. @default 10000 */
  readonly handshakeTimeoutMs?: number;
  /** Settings of every session's messenger. @default the messenger defaults */
  readonly messenger?: SessionMessengerOptions;
  readonly logger: Logger;
  /**
   * Decides who the peer is: returns the site the connection speaks for, or throws (AUTH_FAILED) to refuse
   * it. With client certificates, check that `connection.peerIdentity` is the claimed site.
   */
  readonly authenticate: (hello: Hello, connection: Connection) => string;
  /** Registers the protocol's handlers on a new session's messenger, before any frame is read. */
  readonly setup: (session: ServerSession) => void;
  /** A new session started (a first login, or a peer process that restarted). */
  readonly onJoined?: (session: ServerSession) => void;
  /** A session ended: the peer said goodbye (`left`) or went silent for `deadAfterMs` (`dead`). */
  readonly onLeft?: (session: ServerSession, reason: ClientLeftReasonValue) => void;
}

/**
 * The listening half of Hearth's connections (server parent for client parents, server job process for
 * client job processes): accepts connections, authenticates each with a hello handshake, binds the site
 * to the connection, and keeps one {@link ServerSession} per site whose messenger survives reconnects.
 * A reconnect with the same session id resumes the session; a new session id (the peer restarted)
 * replaces it, the old one ending as dead. Peers silent for `deadAfterMs` are declared dead.
 */
export class SessionServer {
  readonly #options: SessionServerOptions;
  readonly #sessions = new Map<string, ServerSession>();
  #listener: Listener | undefined;
  #watchdog: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: SessionServerOptions) {
    for (const name of ['heartbeatIntervalMs', 'deadAfterMs'] as const) {
      const value = options[name];
      if (!Number.isSafeInteger(value) || value < 1) {
        throw federationError(FederationErrorCode.INVALID_OPTIONS, `session server: ${name} must be a whole number of milliseconds >= 1, got ${String(value)}`);
      }
    }
    this.#options = options;
  }

  /** The bound port, once listening. */
  get port(): number {
    if (this.#listener === undefined) throw federationError(FederationErrorCode.CLOSED, 'session server is not listening');
    return this.#listener.port;
  }

  /** Starts listening; resolves with the bound port. */
  async listen(): Promise<number> {
    if (this.#closed) throw federationError(FederationErrorCode.CLOSED, 'session server is closed');
    if (this.#listener !== undefined) return this.#listener.port;
    const { driver, host, port, tls, maxFrameBytes } = this.#options;
    this.#listener = await driver.listen({
      host: host ?? '127.0.0.1',
      port: port ?? 0,
      ...(tls === undefined ? {} : { tls }),
      ...(maxFrameBytes === undefined ? {} : { maxFrameBytes }),
      onConnection: (connection) => void this.#accept(connection),
    });
    const sweepMs = Math.max(10, Math.min(this.#options.heartbeatIntervalMs, Math.floor(this.#options.deadAfterMs / 4)));
    let lastSweep = Date.now();
    this.#watchdog = setInterval(() => {
      const now = Date.now();
      const stalled = now - lastSweep > 2 * sweepMs;
      lastSweep = now;
      // A sweep this late means this process was busy (folding a large result, say): heartbeats that arrived
      // meanwhile are still unread, so silence now says nothing about the peers. The next sweep judges.
      if (!stalled) this.#sweep();
    }, sweepMs);
    return this.#listener.port;
  }

  /** The live session of `site`, if any. */
  session(site: string): ServerSession | undefined {
    return this.#sessions.get(site);
  }

  /** Every live session, in login order. */
  sessions(): ServerSession[] {
    return [...this.#sessions.values()];
  }

  /** Stops listening and ends every session without reporting them as left. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#watchdog);
    const sessions = [...this.#sessions.values()];
    this.#sessions.clear();
    await Promise.all(sessions.map((session) => session.end()));
    await this.#listener?.close();
  }

  async #accept(connection: Connection): Promise<void> {
    const { logger } = this.#options;
    let hello: Hello;
    let rest: AsyncIterator<Uint8Array>;
    let site: string;
    try {
      const first = await readFirstFrame(connection, this.#options.handshakeTimeoutMs ?? 10_000);
      rest = first.rest;
      hello = decodeHello(first.frame, connection.remoteAddress);
      site = this.#options.authenticate(hello, connection);
    } catch (err) {
      const error = toError(err);
      const code = isHearthError(error) ? error.code : FederationErrorCode.HANDSHAKE_FAILED;
      logger.warn({ err: error, remoteAddress: connection.remoteAddress }, 'refused a connection: %s', error.message);
      await sendAnswer(connection, { hearth: 'refused', code, message: error.message }).catch(() => undefined);
      await connection.close();
      return;
    }
    if (this.#closed) {
      await connection.close();
      return;
    }
    let session = this.#sessions.get(site);
    const resumed = session !== undefined && session.id === hello.session;
    if (session !== undefined && !resumed) {
      logger.info({ peer: site, previous: session.id, session: hello.session }, 'site logged in with a new session; ending the old one');
      this.#end(session, ClientLeftReason.DEAD);
      session = undefined;
    }
    const fresh = session === undefined;
    session ??= this.#newSession(site, hello.session);
    try {
      await sendAnswer(connection, { hearth: 'welcome', version: 1, resumed, heartbeatIntervalMs: this.#options.heartbeatIntervalMs });
      session.attach(continuedConnection(connection, { rest, peerIdentity: site }));
    } catch (err) {
      logger.warn({ err: toError(err), peer: site }, 'connection broke during the handshake');
      await connection.close();
      return;
    }
    logger.info({ peer: site, session: hello.session, remoteAddress: connection.remoteAddress, resumed }, fresh ? 'site joined' : 'site reconnected');
    if (fresh) this.#options.onJoined?.(session);
  }

  #newSession(site: string, id: string): ServerSession {
    const messenger = new Messenger({ ...this.#options.messenger, peerIdentity: site, logger: this.#options.logger.child({ peer: site }) });
    const session = new ServerSession({ site, id, messenger, now: Date.now });
    messenger.handle(SessionTopic.HEARTBEAT, () => {
      session.touch();
      return undefined;
    });
    messenger.handle(SessionTopic.LEAVE, () => {
      setImmediate(() => this.#end(session, ClientLeftReason.LEFT));
      return undefined;
    });
    this.#options.setup(session);
    this.#sessions.set(site, session);
    return session;
  }

  #end(session: ServerSession, reason: ClientLeftReasonValue): void {
    if (session.ended) return;
    if (this.#sessions.get(session.site) === session) this.#sessions.delete(session.site);
    void session.end();
    this.#options.logger.info({ peer: session.site, session: session.id, reason }, reason === ClientLeftReason.LEFT ? 'site left' : 'site declared dead');
    this.#options.onLeft?.(session, reason);
  }

  #sweep(): void {
    for (const session of [...this.#sessions.values()]) {
      if (session.idleMs() > this.#options.deadAfterMs) this.#end(session, ClientLeftReason.DEAD);
    }
  }
}
