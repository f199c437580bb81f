import { Client, credentials as grpcCredentials, Metadata, status as GrpcStatus } from '@grpc/grpc-js';
import type { ClientDuplexStream, ServiceError, StatusObject } from '@grpc/grpc-js';
import type { HearthError } from '@hearth/core';
import type { Connection, ConnectOptions, Driver, Listener, ListenOptions } from '../driver.js';
import { compileConnectOptions, compileListenOptions } from '../driver-options.js';
import { commError, CommErrorCode } from '../errors.js';
import { certificateIdentity } from '../internal/certificate-identity.js';
import { connectFailure } from '../internal/connect-failure.js';
import { probeTls } from '../internal/tls-probe.js';
import { within } from '../internal/within.js';
import { compileClientTls, compileServerTls } from '../tls-options.js';
import { encodeFrameMessage } from './frame-message.js';
import { deserializeFrame, FRAME_STREAM_PATH } from './frame-service.js';
import type { MalformedFrame } from './frame-service.js';
import { compileGrpcDriverOptions, grpcChannelOptions } from './grpc-driver-options.js';
import type { CompiledGrpcDriverOptions, GrpcDriverOptions } from './grpc-driver-options.js';
import { GrpcConnection } from './grpc-connection.js';
import { GrpcListener } from './grpc-listener.js';
import { grpcStatusError } from './grpc-status-error.js';

type FrameCall = ClientDuplexStream<readonly Uint8Array[], Uint8Array | MalformedFrame>;

/**
 * The production transport: one gRPC bidirectional stream (`hearth.comm.v1.FrameStream/Connect`) per
 * connection, over TLS with optional client certificates, HTTP/2 keepalive both ways, and message limits
 * set just above the frame limit. Each connection has its own channel, so closing it closes its socket.
 */
export class GrpcDriver implements Driver {
  readonly name = 'grpc';
  readonly #options: CompiledGrpcDriverOptions;

  /** @param options keepalive, close and flow-control settings; see {@link GrpcDriverOptions} for defaults. */
  constructor(options: GrpcDriverOptions = {}) {
    this.#options = compileGrpcDriverOptions(options);
  }

  async listen(options: ListenOptions): Promise<Listener> {
    return GrpcListener.start({ listen: compileListenOptions(options, this.name), tls: compileServerTls(options.tls, this.name), driver: this.#options });
  }

  async connect(options: ConnectOptions): Promise<Connection> {
    const connect = compileConnectOptions(options, this.name);
    const tls = compileClientTls(options.tls, this.name);
    const address = `${connect.host.includes(':') ? `[${connect.host}]` : connect.host}:${connect.port}`;
    const channelOptions = {
      ...grpcChannelOptions(this.#options, connect.maxFrameBytes),
      ...(tls.serverName === undefined ? {} : { 'grpc.ssl_target_name_override': tls.serverName, 'grpc.default_authority': tls.serverName }),
    };
    const client = new Client(address, grpcCredentials.createSsl(tls.ca, tls.identity?.key ?? null, tls.identity?.cert ?? null), channelOptions);
    const call: FrameCall = client.makeBidiStreamRequest(FRAME_STREAM_PATH, encodeFrameMessage, deserializeFrame, new Metadata());
    const status = new Promise<StatusObject>((resolve) => call.once('status', resolve));
    const closeTimeoutMs = this.#options.closeTimeoutMs;
    const end = async (error: HearthError | undefined): Promise<void> => {
      if (error === undefined) {
        call.end();
        await within(status, closeTimeoutMs);
      }
      call.cancel();
      client.close();
    };
    const established = new Promise<Connection>((resolve, reject) => {
      let connection: GrpcConnection | undefined;
      const fail = (error: HearthError): void => {
        clearTimeout(timer);
        void end(error);
        reject(error);
      };
      const timer = setTimeout(() => {
        fail(commError(CommErrorCode.TIMEOUT, `grpc: no connection to ${address} within ${connect.connectTimeoutMs} ms`, { context: { address } }));
      }, connect.connectTimeoutMs);
      call.on('error', (error: ServiceError) => {
        const phase = connection === undefined ? 'connect' : 'stream';
        const mapped = grpcStatusError({ code: error.code, details: error.details ?? error.message }, { address, phase, cause: error });
        if (connection === undefined) fail(mapped);
        else connection.remoteEnded(mapped);
      });
      void status.then((report) => {
        if (report.code !== GrpcStatus.OK) return;
        if (connection !== undefined) connection.remoteEnded(undefined);
        else fail(commError(CommErrorCode.CONNECT_FAILED, `grpc: ${address} ended the stream before it was established`, { context: { address } }));
      });
      call.once('metadata', () => {
        clearTimeout(timer);
        connection = new GrpcConnection({
          call,
          remoteAddress: address,
          peerIdentity: certificateIdentity(call.getAuthContext()?.sslPeerCertificate),
          maxFrameBytes: connect.maxFrameBytes,
          end,
        });
        resolve(connection);
      });
    });
    try {
      return await established;
    } catch (error) {
      if ((error as HearthError).code !== CommErrorCode.CONNECT_FAILED) throw error;
      const refusal = await probeTls({ host: connect.host, port: connect.port, tls, alpn: ['h2'], timeoutMs: closeTimeoutMs });
      if (refusal === undefined) throw error;
      throw connectFailure({ driver: this.name, address, cause: refusal });
    }
  }
}
