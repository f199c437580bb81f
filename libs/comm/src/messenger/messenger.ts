import { randomBytes } from 'node:crypto';
import type { HearthError } from '@hearth/core';
import type { CloseReason, Connection } from '../driver.js';
import { commError, CommErrorCode, isCommErrorCode } from '../errors.js';
import { checkInteger } from '../internal/check-integer.js';
import { describeError } from '../internal/describe-error.js';
import { frameParts } from '../internal/frame-parts.js';
import type { StreamHandler } from '../streaming/stream-sink.js';
import { decodeFrame } from '../wire/decode-frame.js';
import { encodeFrame } from '../wire/encode-frame.js';
import { FrameKind, TRANSFER_ID_BYTES } from '../wire/wire-frame.js';
import type { OutgoingFrame, WireFrame } from '../wire/wire-frame.js';
import { ChunkPlan } from './chunk-plan.js';
import { CHUNK_HEADER_BYTES, InboundStreams } from './inbound-streams.js';
import type { Link } from './link.js';
import { compileMessengerOptions } from './messenger-options.js';
import type { CompiledMessengerOptions, MessengerOptions } from './messenger-options.js';
import { emptyStats } from './messenger-stats.js';
import type { MessengerStats } from './messenger-stats.js';
import type { Body, MessageHandler, OutgoingMessage, OutgoingRequest, OutgoingStream, StreamReport } from './messenger-types.js';
import { OutgoingTransfer } from './outgoing-transfer.js';
import { PendingRequests } from './pending-requests.js';

/** Remote error codes a requester gets as they are (they describe the peer's messenger, not its handler). */
const PASSED_THROUGH: ReadonlySet<string> = new Set([CommErrorCode.NO_HANDLER, CommErrorCode.BUSY, CommErrorCode.FRAME_TOO_LARGE]);

function bodyParts(body: Body | undefined): readonly Uint8Array[] {
  const parts = body === undefined ? [] : body instanceof Uint8Array ? [body] : body;
  if (!Array.isArray(parts) || !parts.every((part) => part instanceof Uint8Array)) {
    throw commError(CommErrorCode.INVALID_OPTIONS, 'a body must be a Uint8Array or an array of Uint8Arrays');
  }
  return parts;
}

function checkTopic(topic: unknown): string {
  if (typeof topic !== 'string' || topic.length === 0) {
    throw commError(CommErrorCode.INVALID_OPTIONS, `topic must be a non-empty string, got ${JSON.stringify(topic)}`, { context: { topic } });
  }
  return topic;
}

/**
 * Messaging with one peer over whichever {@link Connection} is attached: topics and channels, fire-and-
 * forget messages, request-reply with correlation ids and timeouts, and streams of any size in chunks
 * under a flow-control window with per-chunk and whole-payload CRC-32. It outlives connections: attach a
 * new one after a break and unfinished transfers resume from the last chunk the receiver stored. Frames
 * from the peer are untrusted; a malformed one closes the connection with PROTOCOL_VIOLATION.
 */
export class Messenger {
  readonly #options: CompiledMessengerOptions;
  readonly #stats = emptyStats();
  readonly #pending = new PendingRequests();
  readonly #handlers = new Map<string, MessageHandler>();
  readonly #streamHandlers = new Map<string, StreamHandler>();
  readonly #outgoing = new Map<string, OutgoingTransfer>();
  readonly #inbound: InboundStreams;
  #link: Link | undefined;
  #pinned: { readonly identity: string | undefined } | undefined;
  #activeHandlers = 0;
  #closing: Promise<void> | undefined;

  /** @param options limits, timeouts and stream settings; see {@link MessengerOptions} for the defaults. */
  constructor(options: MessengerOptions = {}) {
    this.#options = compileMessengerOptions(options);
    if (options.peerIdentity !== undefined) this.#pinned = { identity: options.peerIdentity };
    this.#inbound = new InboundStreams({
      options: this.#options,
      stats: this.#stats,
      handlers: this.#streamHandlers,
      sendControl: (link, frame) => this.#sendControl(link, frame),
      isCurrent: (link) => this.#link === link,
    });
  }

  /** True while a connection is attached. */
  get connected(): boolean {
    return this.#link !== undefined;
  }

  /** The peer's certificate identity, once known (pinned by the options or the first connection). */
  get peerIdentity(): string | undefined {
    return this.#pinned?.identity;
  }

  /** A snapshot of the counters. */
  stats(): MessengerStats {
    return { ...this.#stats };
  }

  /** Serves messages and requests on `topic`; one handler per topic. */
  handle(topic: string, handler: MessageHandler): void {
    this.#register(this.#handlers, checkTopic(topic), handler);
  }

  /** Serves incoming streams on `topic`: the handler picks the sink each payload goes to. */
  handleStream(topic: string, handler: StreamHandler): void {
    this.#register(this.#streamHandlers, checkTopic(topic), handler);
  }

  /**
   * Starts using `connection` (the first one, or a new one after a break, which replaces the current).
   * Throws PEER_MISMATCH when its peer identity differs from the pinned one, ABORTED once closed.
   */
  attach(connection: Connection): void {
    if (this.#closing !== undefined) throw commError(CommErrorCode.ABORTED, 'the messenger is closed; make a new one');
    if (this.#pinned !== undefined && this.#pinned.identity !== connection.peerIdentity) {
      throw commError(
        CommErrorCode.PEER_MISMATCH,
        `connection from ${String(connection.peerIdentity)} (${connection.remoteAddress}) cannot serve the messenger of ${String(this.#pinned.identity)}`,
        { context: { expected: this.#pinned.identity, actual: connection.peerIdentity, remoteAddress: connection.remoteAddress } },
      );
    }
    this.#pinned ??= { identity: connection.peerIdentity };
    const previous = this.#link;
    if (previous !== undefined) {
      this.#detach(previous, { by: 'local' });
      void previous.connection.close();
    }
    const link: Link = { connection, controller: new AbortController(), queued: 0 };
    this.#link = link;
    void connection.closed.then((reason) => this.#detach(link, reason));
    void this.#read(link);
    for (const transfer of this.#outgoing.values()) transfer.attach(connection);
  }

  /** Sends a message that expects no reply; resolves once the transport has taken it. */
  async send(message: OutgoingMessage): Promise<void> {
    const link = this.#requireLink();
    const frame = encodeFrame({ kind: FrameKind.MESSAGE, channel: message.channel ?? '', topic: checkTopic(message.topic), body: bodyParts(message.body) });
    this.#checkFits(link, frame, message.topic);
    this.#stats.framesSent += 1;
    await link.connection.send(frame);
  }

  /**
   * Sends a request and resolves with the reply body. Rejects with TIMEOUT when no reply comes in time,
   * CONNECTION_CLOSED when the connection breaks first, REMOTE_ERROR (peer's code in `context.remoteCode`)
   * when the handler fails, NO_HANDLER or BUSY as the peer answers.
   */
  async request(request: OutgoingRequest): Promise<Uint8Array> {
    const topic = checkTopic(request.topic);
    if (request.signal?.aborted === true) throw commError(CommErrorCode.ABORTED, `request on topic "${topic}" was aborted before it was sent`);
    const link = this.#requireLink();
    const timeoutMs = checkInteger(request.timeoutMs ?? this.#options.requestTimeoutMs, { name: 'timeoutMs', min: 1, max: 86_400_000 });
    const body = bodyParts(request.body);
    const { id, reply } = this.#pending.create({ topic, timeoutMs, ...(request.signal === undefined ? {} : { signal: request.signal }) });
    try {
      const frame = encodeFrame({ kind: FrameKind.REQUEST, id, channel: request.channel ?? '', topic, body });
      this.#checkFits(link, frame, topic);
      this.#stats.framesSent += 1;
      await link.connection.send(frame);
    } catch (error) {
      this.#pending.reject(id, error as HearthError);
    }
    return reply;
  }

  /**
   * Streams a payload of any size to the peer's handler for `topic` and resolves when the receiver has
   * verified and stored all of it. The parts are read, never copied or concatenated, and must stay
   * unchanged until then. A broken connection pauses the transfer until {@link attach} gives a new one.
   */
  async stream(stream: OutgoingStream): Promise<StreamReport> {
    const topic = checkTopic(stream.topic);
    if (stream.signal?.aborted === true) throw commError(CommErrorCode.ABORTED, `stream on topic "${topic}" was aborted before it started`);
    const link = this.#requireLink();
    const meta = stream.meta ?? new Uint8Array(0);
    if (!(meta instanceof Uint8Array) || meta.byteLength > this.#options.maxMetaBytes) {
      throw commError(CommErrorCode.INVALID_OPTIONS, `stream meta must be a Uint8Array of at most ${this.#options.maxMetaBytes} bytes`, { context: { topic } });
    }
    if (!Array.isArray(stream.parts)) throw commError(CommErrorCode.INVALID_OPTIONS, 'stream parts must be an array of Uint8Arrays', { context: { topic } });
    const { chunkBytes } = this.#options;
    if (chunkBytes + CHUNK_HEADER_BYTES > link.connection.maxFrameBytes) {
      throw commError(
        CommErrorCode.INVALID_OPTIONS,
        `chunkBytes ${chunkBytes} plus the ${CHUNK_HEADER_BYTES}-byte chunk header exceeds the connection's maxFrameBytes ${link.connection.maxFrameBytes}`,
        { context: { chunkBytes, maxFrameBytes: link.connection.maxFrameBytes } },
      );
    }
    const transferId = randomBytes(TRANSFER_ID_BYTES).toString('hex');
    const onAbort = (): void => transfer.cancel(commError(CommErrorCode.ABORTED, `stream ${transferId} on topic "${topic}" was aborted by the caller`));
    const transfer = new OutgoingTransfer({
      transferId,
      channel: stream.channel ?? '',
      topic,
      meta,
      plan: new ChunkPlan(stream.parts, chunkBytes),
      window: this.#options.window,
      resumeTimeoutMs: this.#options.resumeTimeoutMs,
      stats: this.#stats,
      onSettled: () => {
        this.#outgoing.delete(transferId);
        stream.signal?.removeEventListener('abort', onAbort);
      },
    });
    this.#outgoing.set(transferId, transfer);
    stream.signal?.addEventListener('abort', onAbort, { once: true });
    transfer.attach(link.connection);
    return transfer.result;
  }

  /**
   * Ends everything: pending requests and transfers fail with ABORTED (the peer is told about
   * transfers), incoming partial payloads are discarded, and the connection is closed. Idempotent.
   */
  async close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    await this.#closing;
  }

  async #shutdown(): Promise<void> {
    const error = commError(CommErrorCode.ABORTED, 'the messenger was closed');
    for (const transfer of [...this.#outgoing.values()]) transfer.cancel(error);
    const inboundSettled = this.#inbound.failAll(error);
    this.#pending.rejectAll(() => error);
    const link = this.#link;
    if (link !== undefined) {
      this.#detach(link, { by: 'local' });
      await link.connection.close();
    }
    await inboundSettled;
  }

  #register<T>(table: Map<string, T>, topic: string, handler: T): void {
    if (typeof handler !== 'function') throw commError(CommErrorCode.INVALID_OPTIONS, `the handler for topic "${topic}" must be a function`);
    if (table.has(topic)) throw commError(CommErrorCode.INVALID_OPTIONS, `topic "${topic}" already has a handler`, { context: { topic } });
    table.set(topic, handler);
  }

  #requireLink(): Link {
    if (this.#closing !== undefined) throw commError(CommErrorCode.ABORTED, 'the messenger is closed');
    const link = this.#link;
    if (link === undefined) throw commError(CommErrorCode.NOT_CONNECTED, `no connection to ${String(this.#pinned?.identity ?? 'the peer')} is attached`);
    return link;
  }

  #checkFits(link: Link, frame: readonly Uint8Array[], topic: string): void {
    const { byteLength } = frameParts(frame);
    if (byteLength > link.connection.maxFrameBytes) {
      throw commError(
        CommErrorCode.FRAME_TOO_LARGE,
        `message on topic "${topic}" is ${byteLength} bytes with its header, over the connection's maxFrameBytes ${link.connection.maxFrameBytes}; stream large payloads with stream()`,
        { context: { topic, byteLength, maxFrameBytes: link.connection.maxFrameBytes } },
      );
    }
  }

  #detach(link: Link, reason: CloseReason): void {
    if (this.#link !== link) return;
    this.#link = undefined;
    link.controller.abort();
    const cause = reason.error;
    this.#pending.rejectAll((topic) =>
      commError(CommErrorCode.CONNECTION_CLOSED, `the connection closed before the reply to the request on topic "${topic}" arrived`, {
        context: { topic, remoteAddress: link.connection.remoteAddress },
        cause,
      }),
    );
    for (const transfer of this.#outgoing.values()) transfer.detach();
    this.#inbound.detachAll();
  }

  async #read(link: Link): Promise<void> {
    try {
      for await (const bytes of link.connection) {
        if (this.#link !== link) return;
        this.#stats.framesReceived += 1;
        this.#dispatch(decodeFrame(bytes), link);
      }
    } catch (error) {
      this.#violation(link, error);
    }
  }

  /** Closes `link` because of `error`: the peer broke the protocol or stopped reading, or (never expected) a bug here. */
  #violation(link: Link, error: unknown): void {
    const { code } = describeError(error, CommErrorCode.TRANSPORT);
    const byPeer = code === CommErrorCode.PROTOCOL_VIOLATION || code === CommErrorCode.PEER_NOT_READING;
    const reported = byPeer
      ? (error as HearthError)
      : commError(CommErrorCode.TRANSPORT, `closing the connection after an internal failure: ${describeError(error, code).message}`, { cause: error });
    if (byPeer) this.#stats.protocolViolations += 1;
    const bindings = { err: reported, peer: link.connection.peerIdentity, remoteAddress: link.connection.remoteAddress };
    if (byPeer) this.#options.logger.warn(bindings, 'closing connection: %s', reported.message);
    else this.#options.logger.error(bindings, 'closing connection: %s', reported.message);
    void link.connection.close(reported);
  }

  #dispatch(frame: WireFrame, link: Link): void {
    switch (frame.kind) {
      case FrameKind.MESSAGE:
      case FrameKind.REQUEST:
        this.#serve(frame, link);
        return;
      case FrameKind.REPLY:
        if (!this.#pending.resolve(frame.id, frame.body)) this.#stats.lateReplies += 1;
        return;
      case FrameKind.REPLY_ERROR:
        if (!this.#pending.reject(frame.id, this.#remoteError(frame.code, frame.message, link))) this.#stats.lateReplies += 1;
        return;
      case FrameKind.STREAM_OPEN:
        this.#inbound.onOpen(frame, link);
        return;
      case FrameKind.STREAM_ACK:
        this.#outgoing.get(frame.transferId)?.onAck(frame.accept, frame.nextIndex);
        return;
      case FrameKind.STREAM_DONE:
        this.#outgoing.get(frame.transferId)?.onDone();
        return;
      case FrameKind.STREAM_CHUNK:
        this.#inbound.onChunk(frame, link);
        return;
      case FrameKind.STREAM_END:
        this.#inbound.onEnd(frame, link);
        return;
      case FrameKind.STREAM_ABORT:
        this.#outgoing.get(frame.transferId)?.onAbort(frame.code, frame.message);
        this.#inbound.onAbort(frame);
        return;
    }
  }

  #remoteError(code: string, message: string, link: Link): HearthError {
    const context = { remoteCode: code, peer: link.connection.peerIdentity };
    if (PASSED_THROUGH.has(code) && isCommErrorCode(code)) return commError(code, `peer: ${message}`, { context });
    return commError(CommErrorCode.REMOTE_ERROR, `the peer's handler failed: ${code}: ${message}`, { context });
  }

  #serve(frame: Extract<WireFrame, { kind: typeof FrameKind.MESSAGE | typeof FrameKind.REQUEST }>, link: Link): void {
    if (this.#activeHandlers >= this.#options.maxConcurrentHandlers) {
      const busy = `all ${this.#options.maxConcurrentHandlers} handler slots are in use`;
      if (frame.kind === FrameKind.REQUEST) this.#sendControl(link, { kind: FrameKind.REPLY_ERROR, id: frame.id, code: CommErrorCode.BUSY, message: busy });
      else this.#options.logger.warn({ topic: frame.topic, channel: frame.channel }, 'dropped a message: %s', busy);
      return;
    }
    this.#activeHandlers += 1;
    void this.#runHandler(frame, link).finally(() => {
      this.#activeHandlers -= 1;
    });
  }

  async #runHandler(frame: Extract<WireFrame, { kind: typeof FrameKind.MESSAGE | typeof FrameKind.REQUEST }>, link: Link): Promise<void> {
    let reply: OutgoingFrame | undefined;
    try {
      const handler = this.#handlers.get(frame.topic);
      if (handler === undefined) throw commError(CommErrorCode.NO_HANDLER, `no handler for topic "${frame.topic}"`, { context: { topic: frame.topic } });
      const body = await handler({
        channel: frame.channel,
        topic: frame.topic,
        body: frame.body,
        peerIdentity: link.connection.peerIdentity,
        signal: link.controller.signal,
      });
      if (frame.kind === FrameKind.REQUEST) reply = { kind: FrameKind.REPLY, id: frame.id, body: bodyParts(body) };
    } catch (error) {
      const { code, message } = describeError(error, CommErrorCode.REMOTE_ERROR);
      if (frame.kind === FrameKind.REQUEST) reply = { kind: FrameKind.REPLY_ERROR, id: frame.id, code, message };
      else this.#options.logger.warn({ err: error, topic: frame.topic, channel: frame.channel }, 'message handler failed: %s', message);
    }
    if (reply !== undefined) await this.#sendReply(link, reply);
  }

  async #sendReply(link: Link, reply: OutgoingFrame): Promise<void> {
    if (this.#link !== link) return;
    const frame = encodeFrame(reply);
    const { byteLength } = frameParts(frame);
    const tooLarge = byteLength > link.connection.maxFrameBytes && reply.kind === FrameKind.REPLY;
    const sent = tooLarge
      ? encodeFrame({
          kind: FrameKind.REPLY_ERROR,
          id: reply.id,
          code: CommErrorCode.FRAME_TOO_LARGE,
          message: `the reply is ${byteLength} bytes, over maxFrameBytes ${link.connection.maxFrameBytes}; stream large results with stream()`,
        })
      : frame;
    this.#stats.framesSent += 1;
    await link.connection.send(sent).catch(() => undefined);
  }

  #sendControl(link: Link, frame: OutgoingFrame): void {
    if (this.#link !== link) return;
    if (link.queued >= this.#options.maxQueuedControlFrames) {
      this.#violation(
        link,
        commError(CommErrorCode.PEER_NOT_READING, `${link.queued} control frames are waiting for the peer to read them`, {
          context: { remoteAddress: link.connection.remoteAddress },
        }),
      );
      return;
    }
    link.queued += 1;
    this.#stats.framesSent += 1;
    const sent = (): void => {
      link.queued -= 1;
    };
    link.connection.send(encodeFrame(frame)).then(sent, sent);
  }
}

