import { isIP } from 'node:net';
import { connect } from 'node:tls';
import type { CompiledClientTls } from '../tls-options.js';

/** Where and how {@link probeTls} connects. */
export interface TlsProbeOptions {
  readonly host: string;
  readonly port: number;
  readonly tls: CompiledClientTls;
  /** ALPN protocols to offer, as the real transport does (`h2` for gRPC, `http/1.1` for ws). */
  readonly alpn: readonly string[];
  readonly timeoutMs: number;
  /** Bytes to send once TLS is up, so that a server that waits for the client (HTTP/1.1) answers at once. */
  readonly greeting?: string;
}

/**
 * Opens one TLS connection with the transport's credentials and returns the error that ended it, or
 * undefined when the server accepted it (sent data) or said nothing in time. Some transports (gRPC)
 * report a refused client certificate only as "Failed to connect"; this recovers the TLS alert ("unknown
 * ca", "certificate required") so the caller can say what is wrong. Only run after a failed attempt.
 */
export function probeTls(options: TlsProbeOptions): Promise<Error | undefined> {
  return new Promise((resolve) => {
    const serverName = options.tls.serverName ?? (isIP(options.host) === 0 ? options.host : undefined);
    const socket = connect({
      host: options.host,
      port: options.port,
      ca: options.tls.ca,
      cert: options.tls.identity?.cert,
      key: options.tls.identity?.key,
      ALPNProtocols: [...options.alpn],
      ...(serverName === undefined ? {} : { servername: serverName }),
    });
    const done = (error: Error | undefined): void => {
      clearTimeout(timer);
      socket.removeAllListeners('data');
      socket.on('error', () => undefined);
      socket.destroy();
      resolve(error);
    };
    const timer = setTimeout(() => done(undefined), options.timeoutMs);
    socket.once('secureConnect', () => {
      if (!socket.authorized) done(socket.authorizationError);
      else if (options.greeting !== undefined) socket.write(options.greeting);
    });
    socket.once('data', () => done(undefined));
    socket.once('error', (error) => done(error));
    socket.once('close', () => done(new Error('the server closed the connection right after the TLS handshake')));
  });
}
