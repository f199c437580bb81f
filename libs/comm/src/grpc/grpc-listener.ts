import { Metadata, Server, ServerCredentials, status as GrpcStatus } from '@grpc/grpc-js';
import type { ServerDuplexStream, ServiceError } from '@grpc/grpc-js';
import type { HearthError } from '@hearth/core';
import type { Listener } from '../driver.js';
import type { CompiledListenOptions } from '../driver-options.js';
import { commError, CommErrorCode } from '../errors.js';
import { certificateIdentity } from '../internal/certificate-identity.js';
import { within } from '../internal/within.js';
import type { CompiledServerTls } from '../tls-options.js';
import { frameStreamService } from './frame-service.js';
import type { MalformedFrame } from './frame-service.js';
import type { CompiledGrpcDriverOptions } from './grpc-driver-options.js';
import { grpcChannelOptions } from './grpc-driver-options.js';
import { GrpcConnection } from './grpc-connection.js';
import { grpcStatusError, statusForError } from './grpc-status-error.js';
import { sizeSessionWindows } from './session-windows.js';

type FrameCall = ServerDuplexStream<Uint8Array | MalformedFrame, readonly Uint8Array[]>;

/** What {@link GrpcListener.start} needs. */
export interface GrpcListenerInit {
  readonly listen: CompiledListenOptions;
  readonly tls: CompiledServerTls;
  readonly driver: CompiledGrpcDriverOptions;
}

/**
 * A gRPC server serving `hearth.comm.v1.FrameStream` over TLS: every `Connect` call becomes one
 * {@link GrpcConnection}, identified by the client certificate's CN when mutual TLS is on.
 */
export class GrpcListener implements Listener {
  readonly host: string;
  readonly #server: Server;
  readonly #init: GrpcListenerInit;
  readonly #connections = new Set<GrpcConnection>();
  #port = 0;
  #closing: Promise<void> | undefined;

  private constructor(init: GrpcListenerInit) {
    this.#init = init;
    this.host = init.listen.host;
    this.#server = new Server({ ...grpcChannelOptions(init.driver, init.listen.maxFrameBytes), 'grpc.max_concurrent_streams': 1 });
    this.#server.addService(frameStreamService, { connect: (call: FrameCall) => this.#accept(call) });
  }

  get port(): number {
    return this.#port;
  }

  /** Binds the server and starts accepting; rejects with LISTEN_FAILED when the address or certificate is refused. */
  static async start(init: GrpcListenerInit): Promise<GrpcListener> {
    const address = `${init.listen.host.includes(':') ? `[${init.listen.host}]` : init.listen.host}:${init.listen.port}`;
    let credentials: ServerCredentials;
    try {
      credentials = ServerCredentials.createSsl(init.tls.ca ?? null, [{ private_key: init.tls.key, cert_chain: init.tls.cert }], init.tls.requireClientCert);
    } catch (cause) {
      throw commError(CommErrorCode.LISTEN_FAILED, `grpc: cannot use the TLS certificate or key: ${String(cause)}`, { context: { address }, cause });
    }
    const listener = new GrpcListener(init);
    listener.#port = await new Promise<number>((resolve, reject) => {
      listener.#server.bindAsync(address, credentials, (error, bound) => {
        if (error === null) {
          resolve(bound);
          return;
        }
        listener.#server.forceShutdown();
        reject(commError(CommErrorCode.LISTEN_FAILED, `grpc: cannot listen on ${address}: ${error.message}`, { context: { address }, cause: error }));
      });
    });
    if (!sizeSessionWindows(listener.#server, init.driver.flowControlWindowBytes)) {
      init.driver.logger.warn({ address }, 'grpc: cannot reach the HTTP/2 sessions of this grpc-js version; clients send with the default 64 KiB window');
    }
    return listener;
  }

  async close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    await this.#closing;
  }

  async #shutdown(): Promise<void> {
    await Promise.all([...this.#connections].map((connection) => connection.close()));
    const stopped = new Promise<void>((resolve) => this.#server.tryShutdown(() => resolve()));
    if (!(await within(stopped, this.#init.driver.closeTimeoutMs))) this.#server.forceShutdown();
  }

  #accept(call: FrameCall): void {
    const remoteAddress = call.getPeer();
    const peerIdentity = certificateIdentity(call.getAuthContext().sslPeerCertificate);
    if (this.#closing !== undefined) {
      call.emit('error', { code: GrpcStatus.UNAVAILABLE, details: 'the listener is closing' });
      return;
    }
    if (this.#init.tls.requireClientCert && peerIdentity === undefined) {
      const details = 'the client certificate has no single common name (CN) to identify it';
      this.#init.driver.logger.warn({ remoteAddress }, 'grpc: refused a connection: %s', details);
      call.emit('error', { code: GrpcStatus.UNAUTHENTICATED, details });
      return;
    }
    const closeTimeoutMs = this.#init.driver.closeTimeoutMs;
    const connection = new GrpcConnection({
      call,
      remoteAddress,
      peerIdentity,
      maxFrameBytes: this.#init.listen.maxFrameBytes,
      end: async (error: HearthError | undefined) => {
        const finished = new Promise<void>((resolve) => {
          call.once('finish', resolve);
          call.once('close', resolve);
        });
        if (error === undefined) call.end();
        else call.emit('error', statusForError(error));
        await within(finished, closeTimeoutMs);
      },
    });
    call.on('error', (error: ServiceError) => {
      connection.remoteEnded(grpcStatusError({ code: error.code, details: error.details ?? error.message }, { address: remoteAddress, phase: 'stream', cause: error }));
    });
    call.on('end', () => connection.remoteEnded(undefined));
    call.on('cancelled', () => {
      connection.remoteEnded(commError(CommErrorCode.CONNECTION_CLOSED, `grpc: peer ${remoteAddress} cancelled the stream`, { context: { remoteAddress } }));
    });
    this.#connections.add(connection);
    void connection.closed.then(() => this.#connections.delete(connection));
    call.sendMetadata(new Metadata());
    this.#init.listen.onConnection(connection);
  }
}
