import type { Connection, Messenger } from '@hearth/comm';
import { FederationErrorCode, federationError } from '../errors.js';

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/** What {@link ServerSession} is made of. */
export interface ServerSessionInit {
  /** The authenticated site. */
  readonly site: string;
  /** The peer's session id (one per peer process). */
  readonly id: string;
  /** The messenger that serves this session across its connections. */
  readonly messenger: Messenger;
  /** Milliseconds since the epoch. */
  readonly now: () => number;
}

/**
 * One authenticated peer on a {@link SessionServer}: its site (bound at login, never read from messages), a
 * messenger that outlives reconnects so transfers resume, and its liveness (last heartbeat).
 */
export class ServerSession {
  readonly site: string;
  readonly id: string;
  readonly messenger: Messenger;
  readonly #now: () => number;
  readonly #waiters: Waiter[] = [];
  #connection: Connection | undefined;
  #lastSeen: number;
  #ended = false;

  constructor(init: ServerSessionInit) {
    this.site = init.site;
    this.id = init.id;
    this.messenger = init.messenger;
    this.#now = init.now;
    this.#lastSeen = init.now();
  }

  /** True while a connection is attached. */
  get connected(): boolean {
    return this.#connection !== undefined;
  }

  /** True once the session is over (the peer left, was declared dead, or the server closed). */
  get ended(): boolean {
    return this.#ended;
  }

  /** Milliseconds since the peer last proved it was alive (a heartbeat, a (re)connect, a disconnect). */
  idleMs(): number {
    return this.#now() - this.#lastSeen;
  }

  /** Resolves once a connection is attached (at once when one is); rejects with CLOSED when the session ends first. */
  whenConnected(): Promise<void> {
    if (this.#ended) return Promise.reject(this.#endedError());
    if (this.#connection !== undefined) return Promise.resolve();
    return new Promise<void>((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  /** Records a sign of life. */
  touch(): void {
    this.#lastSeen = this.#now();
  }

  /** Attaches a (new) connection after a successful handshake. */
  attach(connection: Connection): void {
    this.messenger.attach(connection);
    this.#connection = connection;
    this.touch();
    for (const waiter of this.#waiters.splice(0)) waiter.resolve();
    void connection.closed.then(() => {
      if (this.#connection !== connection) return;
      this.#connection = undefined;
      this.touch();
    });
  }

  /** Marks the session over, fails waiters and closes the messenger. Idempotent. */
  end(): Promise<void> {
    if (this.#ended) return Promise.resolve();
    this.#ended = true;
    this.#connection = undefined;
    const error = this.#endedError();
    for (const waiter of this.#waiters.splice(0)) waiter.reject(error);
    return this.messenger.close();
  }

  #endedError(): Error {
    return federationError(FederationErrorCode.CLOSED, `the session of ${this.site} has ended`, { context: { site: this.site } });
  }
}
