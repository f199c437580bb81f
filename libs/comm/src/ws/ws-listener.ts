import { createServer } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Server } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import type { Listener } from '../driver.js';
import type { CompiledListenOptions } from '../driver-options.js';
import { commError, CommErrorCode } from '../errors.js';
import { socketIdentity } from '../internal/certificate-identity.js';
import type { CompiledServerTls } from '../tls-options.js';
import type { CompiledWsDriverOptions } from './ws-driver-options.js';
import { WsConnection } from './ws-connection.js';

/** What {@link WsListener.start} needs. */
export interface WsListenerInit {
  readonly listen: CompiledListenOptions;
  readonly tls: CompiledServerTls;
  readonly driver: CompiledWsDriverOptions;
}

/**
 * An HTTPS server that upgrades requests on the driver's path to WebSockets, each one a
 * {@link WsConnection}. With mutual TLS, clients without a verified certificate never reach the upgrade.
 */
export class WsListener implements Listener {
  readonly host: string;
  readonly port: number;
  readonly #server: Server;
  readonly #sockets: WebSocketServer;
  readonly #connections = new Set<WsConnection>();
  #closing: Promise<void> | undefined;

  private constructor(init: { readonly options: WsListenerInit; readonly server: Server; readonly sockets: WebSocketServer; readonly port: number }) {
    this.host = init.options.listen.host;
    this.port = init.port;
    this.#server = init.server;
    this.#sockets = init.sockets;
    this.#sockets.on('connection', (socket: WebSocket, request: IncomingMessage) => this.#accept(init.options, socket, request));
  }

  /** Binds the HTTPS server and starts accepting; rejects with LISTEN_FAILED when the address or certificate is refused. */
  static async start(options: WsListenerInit): Promise<WsListener> {
    const address = `${options.listen.host}:${options.listen.port}`;
    let server: Server;
    try {
      server = createServer({
        cert: options.tls.cert,
        key: options.tls.key,
        ...(options.tls.ca === undefined ? {} : { ca: options.tls.ca }),
        requestCert: options.tls.requireClientCert,
        rejectUnauthorized: true,
      });
    } catch (cause) {
      throw commError(CommErrorCode.LISTEN_FAILED, `ws: cannot use the TLS certificate or key: ${String(cause)}`, { context: { address }, cause });
    }
    server.on('request', (_request: IncomingMessage, response: ServerResponse) => {
      response.writeHead(426, { connection: 'close', upgrade: 'websocket' }).end();
    });
    server.on('tlsClientError', (error: Error, socket: TLSSocket) => {
      options.driver.logger.debug({ err: error, remoteAddress: socket.remoteAddress }, 'ws: TLS handshake failed: %s', error.message);
    });
    const sockets = new WebSocketServer({
      server,
      path: options.driver.path,
      maxPayload: options.listen.maxFrameBytes,
      perMessageDeflate: false,
      clientTracking: false,
      verifyClient: (info: { req: IncomingMessage }) => !options.tls.requireClientCert || socketIdentity(info.req.socket as TLSSocket) !== undefined,
    });
    sockets.on('error', (error: Error) => options.driver.logger.error({ err: error, address }, 'ws: server error: %s', error.message));
    const port = await new Promise<number>((resolve, reject) => {
      const onError = (error: Error): void => {
        reject(commError(CommErrorCode.LISTEN_FAILED, `ws: cannot listen on ${address}: ${error.message}`, { context: { address }, cause: error }));
      };
      server.once('error', onError);
      server.listen(options.listen.port, options.listen.host, () => {
        server.off('error', onError);
        const bound = server.address();
        resolve(typeof bound === 'object' && bound !== null ? bound.port : options.listen.port);
      });
    });
    server.on('error', (error: Error) => options.driver.logger.error({ err: error, address }, 'ws: server error: %s', error.message));
    return new WsListener({ options, server, sockets, port });
  }

  async close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    await this.#closing;
  }

  async #shutdown(): Promise<void> {
    const stopped = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    await Promise.all([...this.#connections].map((connection) => connection.close()));
    await new Promise<void>((resolve) => this.#sockets.close(() => resolve()));
    this.#server.closeAllConnections();
    await stopped;
  }

  #accept(options: WsListenerInit, socket: WebSocket, request: IncomingMessage): void {
    const tlsSocket = request.socket as TLSSocket;
    const remoteAddress = `${tlsSocket.remoteAddress ?? 'unknown'}:${tlsSocket.remotePort ?? 0}`;
    if (this.#closing !== undefined) {
      socket.close(1001, 'the listener is closing');
      return;
    }
    const connection = new WsConnection({
      socket,
      remoteAddress,
      peerIdentity: socketIdentity(tlsSocket),
      maxFrameBytes: options.listen.maxFrameBytes,
      heartbeatIntervalMs: options.driver.heartbeatIntervalMs,
      closeTimeoutMs: options.driver.closeTimeoutMs,
    });
    this.#connections.add(connection);
    void connection.closed.then(() => this.#connections.delete(connection));
    options.listen.onConnection(connection);
  }
}
