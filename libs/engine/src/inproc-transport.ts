import { decodeAnalyticsMessage, encodeAnalyticsMessage } from './analytics-message.js';
import type { AnalyticsMessage } from './analytics-message.js';
import { EngineErrorCode, engineError } from './errors.js';
import { isShareableCodec } from './shareable-codec.js';
import type { ShareableCodec } from './shareable-codec.js';
import { ClientLeftReason } from './transport.js';
import type {
  ClientLeftReasonValue,
  ClientTransport,
  ClientTransportHandler,
  ResultMessage,
  ServerTransport,
  ServerTransportHandler,
  TaskMessage,
} from './transport.js';

/** Options for {@link InProcServerTransport}. */
export interface InProcTransportOptions {
  /** Every task and result passes through it, so the two ends never share objects. */
  readonly codec: ShareableCodec;
}

/** What a client end needs from its server end (internal to the in-process transport). */
export interface InProcLink {
  readonly codec: ShareableCodec;
  joined(endpoint: InProcClientTransport): void;
  left(site: string, reason: ClientLeftReasonValue): void;
  submit(site: string, message: ResultMessage): void;
  analytics(site: string, message: AnalyticsMessage): void;
}

/** Lets queued promise reactions run first, so a message never arrives inside the call that sent it. */
const nextTurn = (): Promise<void> => Promise.resolve();

/**
 * The server end of the in-process transport: for tests, development and single-process deployments with
 * long-lived clients. Messages are encoded when sent and decoded on arrival, on a later microtask, so one
 * client's results and analytics arrive in the order it sent them.
 */
export class InProcServerTransport implements ServerTransport {
  readonly #link: InProcLink;
  readonly #endpoints = new Map<string, InProcClientTransport>();
  readonly #joined = new Map<string, InProcClientTransport>();
  #handler: ServerTransportHandler | undefined;
  #closed = false;

  constructor(options: InProcTransportOptions) {
    if (!isShareableCodec(options.codec)) throw engineError(EngineErrorCode.INVALID_OPTIONS, 'in-process transport: codec needs encode() and decode()');
    this.#link = {
      codec: options.codec,
      joined: (endpoint) => {
        this.#requireOpen();
        this.#joined.set(endpoint.site, endpoint);
        this.#handler?.clientJoined(endpoint.site);
      },
      left: (site, reason) => {
        if (!this.#joined.delete(site)) return;
        this.#endpoints.delete(site);
        this.#handler?.clientLeft(site, reason);
      },
      submit: (site, message) => {
        if (this.#closed || !this.#joined.has(site)) return;
        this.#handler?.resultReceived(site, message);
      },
      analytics: (site, message) => {
        if (this.#closed || !this.#joined.has(site)) return;
        this.#handler?.analyticsReceived(site, message);
      },
    };
  }

  /** Creates the client end for `site`; it reaches the server once it joins. */
  connect(site: string): InProcClientTransport {
    this.#requireOpen();
    if (typeof site !== 'string' || site.length === 0) throw engineError(EngineErrorCode.INVALID_OPTIONS, 'in-process transport: site must be a non-empty name');
    if (this.#endpoints.has(site)) throw engineError(EngineErrorCode.DUPLICATE_CLIENT, `site ${site} is already connected`, { site });
    const endpoint = new InProcClientTransport(site, this.#link);
    this.#endpoints.set(site, endpoint);
    return endpoint;
  }

  /** Simulates a client that stopped answering: the server hears it is dead and nothing more reaches it. */
  markDead(site: string): void {
    this.#endpoints.get(site)?.sever();
    this.#link.left(site, ClientLeftReason.DEAD);
  }

  bind(handler: ServerTransportHandler): void {
    this.#handler = handler;
  }

  async pushTask(client: string, message: TaskMessage): Promise<void> {
    const endpoint = this.#endpoint(client);
    const bytes = this.#link.codec.encode(message.data);
    await nextTurn();
    endpoint.deliver({ taskName: message.taskName, taskId: message.taskId, data: this.#link.codec.decode(bytes) });
  }

  async revokeTask(client: string, taskId: string): Promise<void> {
    const endpoint = this.#endpoint(client);
    await nextTurn();
    endpoint.revoke(taskId);
  }

  async abortJob(): Promise<void> {
    const endpoints = [...this.#joined.values()];
    await nextTurn();
    for (const endpoint of endpoints) endpoint.abortJob();
  }

  close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }

  #endpoint(client: string): InProcClientTransport {
    this.#requireOpen();
    const endpoint = this.#joined.get(client);
    if (endpoint === undefined) throw engineError(EngineErrorCode.UNKNOWN_CLIENT, `client ${client} is not connected`, { client });
    return endpoint;
  }

  #requireOpen(): void {
    if (this.#closed) throw engineError(EngineErrorCode.TRANSPORT_CLOSED, 'in-process transport is closed');
  }
}

/** The client end of the in-process transport, made by {@link InProcServerTransport.connect}. */
export class InProcClientTransport implements ClientTransport {
  readonly site: string;
  readonly #link: InProcLink;
  #handler: ClientTransportHandler | undefined;
  #joined = false;
  #severed = false;

  /** Use {@link InProcServerTransport.connect}. */
  constructor(site: string, link: InProcLink) {
    this.site = site;
    this.#link = link;
  }

  bind(handler: ClientTransportHandler): void {
    this.#handler = handler;
  }

  async join(): Promise<void> {
    this.#requireLink();
    if (this.#joined) return;
    this.#joined = true;
    await nextTurn();
    this.#link.joined(this);
  }

  async leave(): Promise<void> {
    if (!this.#joined || this.#severed) return;
    this.#joined = false;
    await nextTurn();
    this.#link.left(this.site, ClientLeftReason.LEFT);
  }

  async submitResult(message: ResultMessage): Promise<void> {
    this.#requireLink();
    if (!this.#joined) throw engineError(EngineErrorCode.TRANSPORT_CLOSED, `site ${this.site} has not joined`, { site: this.site });
    const bytes = this.#link.codec.encode(message.result);
    await nextTurn();
    const result = this.#link.codec.decode(bytes);
    this.#link.submit(this.site, { taskName: message.taskName, taskId: message.taskId, result });
  }

  async sendAnalytics(message: AnalyticsMessage): Promise<void> {
    this.#requireLink();
    if (!this.#joined) throw engineError(EngineErrorCode.TRANSPORT_CLOSED, `site ${this.site} has not joined`, { site: this.site });
    const bytes = encodeAnalyticsMessage(message);
    await nextTurn();
    this.#link.analytics(this.site, decodeAnalyticsMessage(bytes));
  }

  /** Server side: hands a decoded task to the client engine. */
  deliver(message: TaskMessage): void {
    if (this.#severed) return;
    this.#handler?.taskReceived(message);
  }

  /** Server side: the server revoked a task. */
  revoke(taskId: string): void {
    if (!this.#severed) this.#handler?.taskRevoked(taskId);
  }

  /** Server side: the server aborted the job. */
  abortJob(): void {
    if (!this.#severed) this.#handler?.jobAborted();
  }

  /** Server side: the link is gone (the client was declared dead). */
  sever(): void {
    this.#severed = true;
  }

  #requireLink(): void {
    if (this.#severed) {
      throw engineError(EngineErrorCode.TRANSPORT_CLOSED, `site ${this.site} lost its connection to the server`, { site: this.site });
    }
  }
}
