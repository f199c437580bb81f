import type { Shareable } from '@hearth/core';
import type { AnalyticsMessage } from './analytics-message.js';

/** A task travelling from the server to one client. */
export interface TaskMessage {
  readonly taskName: string;
  /** Id of the (task, client) pair; the result carries it back. */
  readonly taskId: string;
  readonly data: Shareable;
}

/**
 * A task whose data is made when its client is about to run it, for transports that queue tasks first (the
 * simulator). `data` resolves with the payload, or with undefined when making it failed, in which case the
 * server engine has already reported the failure as the task's result.
 */
export interface DeferredTaskMessage {
  readonly taskName: string;
  readonly taskId: string;
  readonly data: () => Promise<Shareable | undefined>;
}

/** A result travelling from a client to the server. */
export interface ResultMessage {
  readonly taskName: string;
  readonly taskId: string;
  readonly result: Shareable;
}

/** Why a client went away. */
export const ClientLeftReason = {
  /** It said goodbye. */
  LEFT: 'left',
  /** It stopped answering (missed heartbeats, broken connection). */
  DEAD: 'dead',
} as const;

/** One of {@link ClientLeftReason}. */
export type ClientLeftReasonValue = (typeof ClientLeftReason)[keyof typeof ClientLeftReason];

/** What the server engine hears from its transport. Handlers return at once; work they start is their own. */
export interface ServerTransportHandler {
  clientJoined(client: string): void;
  clientLeft(client: string, reason: ClientLeftReasonValue): void;
  /** `client` is the authenticated sender, never taken from the message. */
  resultReceived(client: string, message: ResultMessage): void;
  /**
   * Points a client streamed while it works. `client` is the authenticated sender; drivers that decode bytes
   * from the network check them with `decodeAnalyticsMessage` first.
   */
  analyticsReceived(client: string, message: AnalyticsMessage): void;
}

/**
 * The server end of the link between engines. Drivers (inproc, grpc, ws) implement it; they move tasks and
 * results and report clients coming and going, knowing nothing of workflows. A driver may serialize a task
 * later than `pushTask` is called, so callers must not mutate a pushed Shareable or its DXO.
 */
export interface ServerTransport {
  /** Sets the handler; called once by the server engine. */
  bind(handler: ServerTransportHandler): void;
  /** Sends a task to a connected client; rejects with HEARTH_ERR_ENGINE_UNKNOWN_CLIENT for others. */
  pushTask(client: string, message: TaskMessage): Promise<void>;
  /**
   * Like pushTask, but the task's data is made only when the client is about to run it. A transport that
   * queues tasks before their clients run (the simulator's) implements it, so that per-client copies of the
   * data (server task-data filters) exist only for the clients running, never for every queued one.
   */
  pushDeferredTask?(client: string, message: DeferredTaskMessage): Promise<void>;
  /** Withdraws a task: a client that has not started it drops it, one that runs it aborts it and submits nothing. */
  revokeTask(client: string, taskId: string): Promise<void>;
  /** Tells every client to abort the job. */
  abortJob(): Promise<void>;
  /** Stops the transport; later calls fail with HEARTH_ERR_ENGINE_TRANSPORT_CLOSED. Idempotent. */
  close(): Promise<void>;
}

/** What the client engine hears from its transport. */
export interface ClientTransportHandler {
  taskReceived(message: TaskMessage): void;
  taskRevoked(taskId: string): void;
  jobAborted(): void;
}

/** The client end of the link between engines. */
export interface ClientTransport {
  /** The site this end speaks for. */
  readonly site: string;
  /** Sets the handler; called once by the client engine. */
  bind(handler: ClientTransportHandler): void;
  /** Announces the client to the server. Idempotent. */
  join(): Promise<void>;
  /** Says goodbye to the server. Idempotent. */
  leave(): Promise<void>;
  /** Sends a result to the server. */
  submitResult(message: ResultMessage): Promise<void>;
  /**
   * Sends streamed points to the server, as bytes from `encodeAnalyticsMessage`. Messages and results sent by
   * one client arrive in the order they were sent, so points streamed during a task reach the server before
   * its result.
   */
  sendAnalytics(message: AnalyticsMessage): Promise<void>;
}
