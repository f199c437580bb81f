/** A message body: one buffer or parts sent in order (never concatenated by the messenger). */
export type Body = Uint8Array | readonly Uint8Array[];

/** Where a message goes: a channel (e.g. a job id, or '' for the daemon itself) and a topic naming the handler. */
export interface Address {
  /** Scope of the message, e.g. a job id; handlers are chosen by topic and see the channel. @default '' */
  readonly channel?: string;
  /** Names the handler on the receiving side (e.g. `task.get`, `model.push`). */
  readonly topic: string;
}

/** A fire-and-forget message for {@link Messenger.send}. */
export interface OutgoingMessage extends Address {
  /** Must fit in one frame with its header; stream anything larger. @default empty */
  readonly body?: Body;
}

/** A request for {@link Messenger.request}. */
export interface OutgoingRequest extends OutgoingMessage {
  /** How long to wait for the reply. @default the messenger's requestTimeoutMs */
  readonly timeoutMs?: number;
  /** Cancels the wait (the request fails with ABORTED; the peer may still run its handler). */
  readonly signal?: AbortSignal;
}

/** A message or request as a handler sees it. */
export interface IncomingMessage {
  readonly channel: string;
  readonly topic: string;
  /** The body, a view into the received frame. */
  readonly body: Uint8Array;
  /** The sender's certificate identity, when the connection has one. */
  readonly peerIdentity: string | undefined;
  /** Aborted when the connection the message came on goes away or the messenger closes. */
  readonly signal: AbortSignal;
}

/**
 * Serves messages and requests on one topic. For a request, the returned body is the reply (undefined
 * for an empty one) and a thrown error becomes a REMOTE_ERROR at the requester carrying the error's code.
 */
export type MessageHandler = (message: IncomingMessage) => Body | undefined | Promise<Body | undefined>;

/** A payload to stream with {@link Messenger.stream}. */
export interface OutgoingStream extends Address {
  /** The payload, as parts in order (e.g. `encodeShareableParts(shareable)`); kept, not copied, until the transfer ends. */
  readonly parts: readonly Uint8Array[];
  /** A small description the receiver's handler sees before choosing a sink. @default empty */
  readonly meta?: Uint8Array;
  /** Cancels the transfer; the receiver discards what it stored. */
  readonly signal?: AbortSignal;
}

/** How a completed transfer went, from the sender's side. */
export interface StreamReport {
  readonly transferId: string;
  readonly totalBytes: number;
  /** Chunks in the payload. */
  readonly chunks: number;
  /** Chunk frames sent, resends included. */
  readonly chunksSent: number;
  /** Chunk frames sent again after a reconnect (those sent but not acknowledged before the break). */
  readonly chunksResent: number;
  /** Times the transfer resumed on a new connection. */
  readonly resumes: number;
  /** Most chunks that were sent and not yet acknowledged at any moment (never above the window). */
  readonly peakChunksInFlight: number;
}
