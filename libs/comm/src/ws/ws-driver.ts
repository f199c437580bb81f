import type { ClientRequest, IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { WebSocket } from 'ws';
import type { HearthError } from '@hearth/core';
import type { Connection, ConnectOptions, Driver, Listener, ListenOptions } from '../driver.js';
import { compileConnectOptions, compileListenOptions } from '../driver-options.js';
import { commError, CommErrorCode } from '../errors.js';
import { socketIdentity } from '../internal/certificate-identity.js';
import { connectFailure } from '../internal/connect-failure.js';
import { probeTls } from '../internal/tls-probe.js';
import { compileClientTls, compileServerTls } from '../tls-options.js';
import { compileWsDriverOptions } from './ws-driver-options.js';
import type { CompiledWsDriverOptions, WsDriverOptions } from './ws-driver-options.js';
import { WsConnection } from './ws-connection.js';
import { WsListener } from './ws-listener.js';

/**
 * Masks client frames with the all-zero key, which `ws` recognises and skips: no copy of the payload and no
 * byte-by-byte XOR on either side (a random key costs both ends a pass over every byte the client sends,
 * the slowest step of an upload). Masking exists so that script in a browser cannot choose the bytes a
 * caching proxy sees on the wire (RFC 6455, section 10.3); a Hearth client sends only its own frames, and
 * only inside TLS, so there is nothing for a mask to hide.
 */
function zeroMask(mask: Buffer): void {
  mask.fill(0);
}

/**
 * WebSocket transport over HTTPS (the `ws` package): for deployments where only HTTPS passes. TLS with
 * optional client certificates, `maxPayload` equal to the frame limit on both sides, no compression,
 * no masking work (see {@link zeroMask}), ping/pong liveness both ways.
 */
export class WsDriver implements Driver {
  readonly name = 'ws';
  readonly #options: CompiledWsDriverOptions;

  /** @param options heartbeat, close and path settings; see {@link WsDriverOptions} for defaults. */
  constructor(options: WsDriverOptions = {}) {
    this.#options = compileWsDriverOptions(options);
  }

  async listen(options: ListenOptions): Promise<Listener> {
    return WsListener.start({ listen: compileListenOptions(options, this.name), tls: compileServerTls(options.tls, this.name), driver: this.#options });
  }

  async connect(options: ConnectOptions): Promise<Connection> {
    const connect = compileConnectOptions(options, this.name);
    const tls = compileClientTls(options.tls, this.name);
    const address = `${connect.host.includes(':') ? `[${connect.host}]` : connect.host}:${connect.port}`;
    const socket = new WebSocket(`wss://${address}${this.#options.path}`, {
      ca: tls.ca,
      ...(tls.identity === undefined ? {} : { cert: tls.identity.cert, key: tls.identity.key }),
      ...(tls.serverName === undefined ? {} : { servername: tls.serverName }),
      maxPayload: connect.maxFrameBytes,
      perMessageDeflate: false,
      handshakeTimeout: connect.connectTimeoutMs,
      followRedirects: false,
      generateMask: zeroMask,
    });
    const established = new Promise<Connection>((resolve, reject) => {
      let peerIdentity: string | undefined;
      const fail = (error: HearthError): void => {
        socket.removeAllListeners();
        socket.on('error', () => undefined);
        socket.terminate();
        reject(error);
      };
      socket.once('upgrade', (response: IncomingMessage) => {
        peerIdentity = socketIdentity(response.socket as TLSSocket);
      });
      socket.once('unexpected-response', (request: ClientRequest, response: IncomingMessage) => {
        request.destroy();
        fail(
          commError(CommErrorCode.CONNECT_FAILED, `ws: ${address} answered the upgrade with HTTP ${response.statusCode ?? '?'}; is it a Hearth ws listener on path ${this.#options.path}?`, {
            context: { driver: this.name, address, status: response.statusCode },
          }),
        );
      });
      socket.once('error', (error: Error) => {
        const timedOut = /timed out/i.test(error.message);
        fail(
          timedOut
            ? commError(CommErrorCode.TIMEOUT, `ws: no connection to ${address} within ${connect.connectTimeoutMs} ms`, { context: { address }, cause: error })
            : connectFailure({ driver: this.name, address, cause: error }),
        );
      });
      socket.once('open', () => {
        socket.removeAllListeners('error');
        socket.removeAllListeners('unexpected-response');
        resolve(
          new WsConnection({
            socket,
            remoteAddress: address,
            peerIdentity,
            maxFrameBytes: connect.maxFrameBytes,
            heartbeatIntervalMs: this.#options.heartbeatIntervalMs,
            closeTimeoutMs: this.#options.closeTimeoutMs,
          }),
        );
      });
    });
    try {
      return await established;
    } catch (error) {
      if ((error as HearthError).code !== CommErrorCode.CONNECT_FAILED) throw error;
      const refusal = await probeTls({
        host: connect.host,
        port: connect.port,
        tls,
        alpn: ['http/1.1'],
        timeoutMs: this.#options.closeTimeoutMs,
        greeting: `HEAD / HTTP/1.1\r\nhost: ${address}\r\nconnection: close\r\n\r\n`,
      });
      if (refusal === undefined) throw error;
      throw connectFailure({ driver: this.name, address, cause: refusal });
    }
  }
}
