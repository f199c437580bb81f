import type { Connection, ConnectOptions, Driver, Listener, ListenOptions } from '../driver.js';
import { compileConnectOptions, compileListenOptions } from '../driver-options.js';
import type { CompiledListenOptions } from '../driver-options.js';
import { commError, CommErrorCode } from '../errors.js';
import { InprocConnection } from './inproc-connection.js';

/** {@link ListenOptions} of the in-process driver. `tls` is ignored: nothing leaves the process. */
export interface InprocListenOptions extends ListenOptions {
  /** The identity connecting sides see as `peerIdentity` (what a server certificate's CN would be). */
  readonly identity?: string;
}

/** {@link ConnectOptions} of the in-process driver. `tls` is ignored: nothing leaves the process. */
export interface InprocConnectOptions extends ConnectOptions {
  /** The identity the listener sees as `peerIdentity` (what a client certificate's CN would be), e.g. a simulated site. */
  readonly identity?: string;
}

/** First port handed out for `port: 0`, as in the OS's ephemeral range. */
const FIRST_EPHEMERAL_PORT = 49_152;

/**
 * Transport within one process, for the simulator and tests: listeners live in this driver instance's
 * registry under `host:port`, and connections copy every frame so the two sides share nothing. Share one
 * instance between the sides that must reach each other.
 */
export class InprocDriver implements Driver {
  readonly name = 'inproc';
  readonly #listeners = new Map<string, InprocListener>();
  #nextPort = FIRST_EPHEMERAL_PORT;
  #nextClient = 1;

  async listen(options: InprocListenOptions): Promise<Listener> {
    const compiled = compileListenOptions(options, this.name);
    let port = compiled.port;
    if (port === 0) {
      while (this.#listeners.has(`${compiled.host}:${this.#nextPort}`)) this.#nextPort += 1;
      port = this.#nextPort;
      this.#nextPort += 1;
    }
    const key = `${compiled.host}:${port}`;
    if (this.#listeners.has(key)) {
      throw commError(CommErrorCode.LISTEN_FAILED, `inproc: cannot listen on ${key}: address in use`, { context: { address: key } });
    }
    const listener = new InprocListener({ options: compiled, port, identity: options.identity, unregister: () => this.#listeners.delete(key) });
    this.#listeners.set(key, listener);
    return listener;
  }

  async connect(options: InprocConnectOptions): Promise<Connection> {
    const compiled = compileConnectOptions(options, this.name);
    const key = `${compiled.host}:${compiled.port}`;
    const listener = this.#listeners.get(key);
    if (listener === undefined) {
      throw commError(CommErrorCode.CONNECT_FAILED, `inproc: cannot connect to ${key}: nothing is listening there (connection refused)`, {
        context: { driver: this.name, address: key },
      });
    }
    const clientName = `inproc-client-${this.#nextClient}`;
    this.#nextClient += 1;
    return listener.accept({ clientName, identity: options.identity, maxFrameBytes: compiled.maxFrameBytes, address: key });
  }
}

/** What {@link InprocListener} is made of. */
interface InprocListenerInit {
  readonly options: CompiledListenOptions;
  readonly port: number;
  readonly identity: string | undefined;
  readonly unregister: () => void;
}

/** A listener in an {@link InprocDriver}'s registry. */
class InprocListener implements Listener {
  readonly host: string;
  readonly port: number;
  readonly #init: InprocListenerInit;
  readonly #connections = new Set<InprocConnection>();
  #closed = false;

  constructor(init: InprocListenerInit) {
    this.#init = init;
    this.host = init.options.host;
    this.port = init.port;
  }

  /** Makes a connected pair, hands the listening end to `onConnection` and returns the dialling end. */
  accept(client: { readonly clientName: string; readonly identity: string | undefined; readonly maxFrameBytes: number; readonly address: string }): Connection {
    const [dialling, listening] = InprocConnection.pair(
      { remoteAddress: `inproc:${client.address}`, peerIdentity: this.#init.identity, maxFrameBytes: client.maxFrameBytes },
      { remoteAddress: `inproc:${client.clientName}`, peerIdentity: client.identity, maxFrameBytes: this.#init.options.maxFrameBytes },
    );
    this.#connections.add(listening);
    void listening.closed.then(() => this.#connections.delete(listening));
    this.#init.options.onConnection(listening);
    return dialling;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#init.unregister();
    await Promise.all([...this.#connections].map((connection) => connection.close()));
  }
}
