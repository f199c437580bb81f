import type { Connection, ConnectOptions, Driver, Listener, ListenOptions } from '@hearth/comm';

/** Wraps a driver and keeps every connection it dialled, so a test can break them as a network would. */
export class BreakableDriver implements Driver {
  readonly name: string;
  readonly dialled: Connection[] = [];
  readonly #inner: Driver;

  constructor(inner: Driver) {
    this.#inner = inner;
    this.name = inner.name;
  }

  listen(options: ListenOptions): Promise<Listener> {
    return this.#inner.listen(options);
  }

  async connect(options: ConnectOptions): Promise<Connection> {
    const connection = await this.#inner.connect(options);
    this.dialled.push(connection);
    return connection;
  }

  /** Closes the newest dialled connection, as if the network dropped it. */
  async breakLatest(): Promise<void> {
    await this.dialled.at(-1)?.close();
  }
}
