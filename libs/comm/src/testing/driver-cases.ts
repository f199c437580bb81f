import type { Connection, ConnectOptions, Driver, Listener, ListenOptions } from '../driver.js';
import { GrpcDriver } from '../grpc/grpc-driver.js';
import { InprocDriver } from '../inproc/inproc-driver.js';
import { WsDriver } from '../ws/ws-driver.js';
import { clientTls, serverTls } from './tls-fixtures.js';

/** A driver under test, with the TLS settings its tests use. */
export interface DriverCase {
  readonly name: 'grpc' | 'ws' | 'inproc';
  /** A fresh driver instance. */
  readonly make: () => Driver;
  /** True for drivers that open real sockets (and so use TLS). */
  readonly network: boolean;
}

/** The three drivers, for `describe.each`. */
export const DRIVER_CASES: readonly DriverCase[] = [
  { name: 'grpc', make: () => new GrpcDriver(), network: true },
  { name: 'ws', make: () => new WsDriver(), network: true },
  { name: 'inproc', make: () => new InprocDriver(), network: false },
];

/** A listener, one client connection and the server's end of it. */
export interface OpenPair {
  readonly driver: Driver;
  readonly listener: Listener;
  readonly client: Connection;
  readonly server: Connection;
  /** Every connection the listener accepted, in order. */
  readonly accepted: Connection[];
  /** Dials the listener again (as `site`), returning the client end and the matching server end. */
  readonly reconnect: (site?: string) => Promise<{ readonly client: Connection; readonly server: Connection }>;
  /** Closes the client, then the listener (which closes every accepted connection). */
  readonly close: () => Promise<void>;
}

/** Options for {@link openPair}. */
export interface OpenPairOptions {
  readonly site?: string;
  readonly listen?: Partial<ListenOptions>;
  readonly connect?: Partial<ConnectOptions>;
}

/** Starts a listener on 127.0.0.1:0 with the test certificates and dials it once as `site-1` (or `options.site`). */
export async function openPair(testCase: DriverCase, options: OpenPairOptions = {}): Promise<OpenPair> {
  const driver = testCase.make();
  const accepted: Connection[] = [];
  const waiting: ((connection: Connection) => void)[] = [];
  const listener = await driver.listen({
    host: '127.0.0.1',
    port: 0,
    tls: serverTls(),
    ...options.listen,
    onConnection: (connection) => {
      accepted.push(connection);
      waiting.shift()?.(connection);
    },
    ...(testCase.name === 'inproc' ? { identity: 'server' } : {}),
  } as ListenOptions);
  const clients: Connection[] = [];
  const dial = async (site: string): Promise<{ client: Connection; server: Connection }> => {
    const serverEnd = new Promise<Connection>((resolve) => waiting.push(resolve));
    const client = await driver.connect({
      host: '127.0.0.1',
      port: listener.port,
      tls: clientTls(site),
      ...options.connect,
      ...(testCase.name === 'inproc' ? { identity: site } : {}),
    } as ConnectOptions);
    clients.push(client);
    return { client, server: await serverEnd };
  };
  const first = await dial(options.site ?? 'site-1');
  return {
    driver,
    listener,
    client: first.client,
    server: first.server,
    accepted,
    reconnect: (site = options.site ?? 'site-1') => dial(site),
    close: async () => {
      await Promise.all(clients.map((client) => client.close()));
      await listener.close();
    },
  };
}

/** Reads frames one at a time from a connection (one iterator for the connection's lifetime). */
export function frameReader(connection: Connection): () => Promise<Uint8Array | undefined> {
  const iterator = connection[Symbol.asyncIterator]();
  return async () => {
    const next = await iterator.next();
    return next.done === true ? undefined : next.value;
  };
}

/** What the promise rejects with; fails the test when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<{ code?: string; message: string; context?: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error) {
    return error as { code?: string; message: string; context?: Record<string, unknown> };
  }
  throw new Error('expected the promise to reject, it resolved');
}

/** Bytes of a UTF-8 string, for readable frame contents. */
export function text(value: string): Uint8Array {
  return new TextEncoder().encode(value);
}

/** A received frame as a UTF-8 string. */
export function asText(frame: Uint8Array | undefined): string | undefined {
  return frame === undefined ? undefined : new TextDecoder().decode(frame);
}
