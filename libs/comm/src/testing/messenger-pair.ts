import type { Connection } from '../driver.js';
import { Messenger } from '../messenger/messenger.js';
import type { MessengerOptions } from '../messenger/messenger-options.js';
import { openPair } from './driver-cases.js';
import type { DriverCase, OpenPair, OpenPairOptions } from './driver-cases.js';

/** Two messengers talking over one connection of a driver under test. */
export interface MessengerPair {
  /** The dialling side's messenger (a site). */
  readonly client: Messenger;
  /** The listening side's messenger for that site. */
  readonly server: Messenger;
  readonly transport: OpenPair;
  /** Dials again and attaches the new connection to both messengers (a reconnect after a break). */
  readonly reconnect: () => Promise<void>;
  /** Closes both messengers and the transport. */
  readonly close: () => Promise<void>;
}

/** Options for {@link messengerPair}. */
export interface MessengerPairOptions extends OpenPairOptions {
  readonly client?: MessengerOptions;
  readonly server?: MessengerOptions;
  /** Wraps each client connection before the client messenger gets it (to inject faults). */
  readonly wrapClient?: (connection: Connection) => Connection;
}

/** Opens a connection with {@link openPair} and attaches a messenger to each end. */
export async function messengerPair(testCase: DriverCase, options: MessengerPairOptions = {}): Promise<MessengerPair> {
  const transport = await openPair(testCase, options);
  const client = new Messenger(options.client);
  const server = new Messenger(options.server);
  const wrap = options.wrapClient ?? ((connection: Connection) => connection);
  client.attach(wrap(transport.client));
  server.attach(transport.server);
  return {
    client,
    server,
    transport,
    reconnect: async () => {
      const next = await transport.reconnect();
      server.attach(next.server);
      client.attach(wrap(next.client));
    },
    close: async () => {
      await Promise.all([client.close(), server.close()]);
      await transport.close();
    },
  };
}
