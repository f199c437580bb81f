import { FederationErrorCode, federationError } from '../errors.js';

/**
 * The message link between a daemon and one of its job processes, seen from either side. Messages are
 * plain JSON values; receivers check them against the schemas in `job-messages.ts`.
 */
export interface IpcChannel {
  /** Sends a message; resolves once it was handed to the pipe, rejects when the link is gone. */
  send(message: unknown): Promise<void>;
  /** Calls `listener` with every message that arrives. */
  onMessage(listener: (message: unknown) => void): void;
  /** Calls `listener` once when the other side is gone. */
  onDisconnect(listener: () => void): void;
  /** Closes the link from this side. Idempotent. */
  disconnect(): void;
}

/** What {@link nodeChannel} needs: `process` in a forked child, or the parent's `ChildProcess`. */
export interface NodeIpcEndpoint {
  send?(message: unknown, callback?: (error: Error | null) => void): boolean;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  once(event: 'disconnect', listener: () => void): unknown;
  disconnect?(): void;
  readonly connected?: boolean;
}

/** An {@link IpcChannel} over Node's IPC (`child_process.fork`), from either end. */
export function nodeChannel(endpoint: NodeIpcEndpoint): IpcChannel {
  return {
    send: (message) =>
      new Promise<void>((resolve, reject) => {
        const send = endpoint.send?.bind(endpoint);
        if (send === undefined || endpoint.connected === false) {
          reject(federationError(FederationErrorCode.CLOSED, 'the IPC link to the other process is closed'));
          return;
        }
        send(message, (error) => (error === null ? resolve() : reject(error)));
      }),
    onMessage: (listener) => {
      endpoint.on('message', listener);
    },
    onDisconnect: (listener) => {
      endpoint.once('disconnect', listener);
    },
    disconnect: () => {
      if (endpoint.connected !== false) endpoint.disconnect?.();
    },
  };
}
