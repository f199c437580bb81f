import type { HearthError } from '@hearth/core';
import type { ClientTlsOptions, ServerTlsOptions } from './tls-options.js';

/** One frame to send: a single buffer, or parts that the driver sends as one frame, in order. */
export type FrameInput = Uint8Array | readonly Uint8Array[];

/** Why a {@link Connection} ended. `error` is absent after an orderly close by either side. */
export interface CloseReason {
  /** Which side ended the connection (`local`: this process called `close()` or gave up on the peer). */
  readonly by: 'local' | 'remote';
  /** What went wrong, when something did (heartbeat timeout, protocol violation, transport failure). */
  readonly error?: HearthError;
}

/**
 * A duplex stream of frames between two processes, made by a {@link Driver}. Frames arrive whole and in
 * order; iterate the connection to read them (one reader). Reading slowly pushes back on the peer: the
 * driver stops reading from the socket while unread frames pile up.
 */
export interface Connection extends AsyncIterable<Uint8Array> {
  /** Name of the driver that made it (`grpc`, `ws`, `inproc`). */
  readonly driver: string;
  /**
   * Who the peer is: the common name (CN) of the certificate it presented and TLS verified, or
   * undefined when it presented none (a server without client certificates, for example).
   */
  readonly peerIdentity: string | undefined;
  /** The peer's address as `host:port` (or the in-process listener name); for logs only. */
  readonly remoteAddress: string;
  /** Largest frame, in bytes, that either side may send on this connection. */
  readonly maxFrameBytes: number;
  /** Settles once, when the connection has ended for whatever reason; never rejects. */
  readonly closed: Promise<CloseReason>;
  /**
   * Sends one frame. Resolves when the frame has been handed to the transport (the socket took it, or the
   * in-process peer has room for it), so awaiting each send keeps memory bounded. Rejects with
   * FRAME_TOO_LARGE, or with CONNECTION_CLOSED once the connection has ended.
   */
  send(frame: FrameInput): Promise<void>;
  /**
   * Ends the connection: orderly when `error` is absent, otherwise as a failure the peer learns of where
   * the transport can say so. Idempotent; resolves when the transport is closed.
   */
  close(error?: HearthError): Promise<void>;
}

/** Accepts connections for one {@link Driver}; made by {@link Driver.listen}. */
export interface Listener {
  /** The host the listener is bound to. */
  readonly host: string;
  /** The bound port; the one the OS picked when `port` 0 was asked for. */
  readonly port: number;
  /** Closes every connection it accepted and stops listening. Idempotent. */
  close(): Promise<void>;
}

/** Options common to every driver's {@link Driver.listen}. */
export interface ListenOptions {
  /** Interface to bind. @default '127.0.0.1' */
  readonly host?: string;
  /** Port to bind; 0 lets the OS pick one (read it back from {@link Listener.port}). @default 0 */
  readonly port?: number;
  /** Server certificate, and the CA that client certificates must chain to. Network drivers require it. */
  readonly tls?: ServerTlsOptions;
  /** Largest frame accepted or sent, in bytes (a chunk plus its header). @default 4194304 (4 MiB) */
  readonly maxFrameBytes?: number;
  /** Called with every connection the listener accepts (after TLS has verified the peer). */
  readonly onConnection: (connection: Connection) => void;
}

/** Options common to every driver's {@link Driver.connect}. */
export interface ConnectOptions {
  /** Host to dial; must match a name in the server certificate (or set `tls.serverName`). */
  readonly host: string;
  readonly port: number;
  /** CA that the server certificate must chain to, and this side's client certificate. Network drivers require it. */
  readonly tls?: ClientTlsOptions;
  /** Largest frame accepted or sent, in bytes. @default 4194304 (4 MiB) */
  readonly maxFrameBytes?: number;
  /** How long to wait for the connection to be established. @default 10000 */
  readonly connectTimeoutMs?: number;
}

/**
 * A transport: moves frames between processes and knows nothing of what they carry. Hearth has three
 * (grpc, ws, inproc), chosen per deployment; everything above ({@link Messenger}) works on any of them.
 */
export interface Driver {
  /** Short name (`grpc`, `ws`, `inproc`), as written in startup kits and logs. */
  readonly name: string;
  /** Starts accepting connections; rejects with LISTEN_FAILED or INVALID_OPTIONS. */
  listen(options: ListenOptions): Promise<Listener>;
  /** Opens a connection; rejects with CONNECT_FAILED, AUTH_FAILED, TIMEOUT or INVALID_OPTIONS. */
  connect(options: ConnectOptions): Promise<Connection>;
}
