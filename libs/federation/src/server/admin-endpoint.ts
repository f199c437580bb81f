import { createServer } from 'node:https';
import type { Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isHearthError, toError } from '@hearth/core';
import type { Logger } from '@hearth/core';
import { JobErrorCode } from '@hearth/job';
import { FederationErrorCode, federationError } from '../errors.js';
import { tokenMatches } from '../internal/tokens.js';
import type { AdminBackend } from './admin-backend.js';
import { summarizeJob } from './job-record.js';

/** Options for {@link AdminEndpoint}. */
export interface AdminEndpointOptions {
  /** Interface to bind; admin traffic stays on the machine. @default '127.0.0.1' */
  readonly host?: string;
  /** Port to bind; 0 lets the OS pick. */
  readonly port: number;
  /** The server's certificate and key (PEM). */
  readonly tls: { readonly cert: string; readonly key: string };
  /** SHA-256 of the admin token that requests must carry as `Authorization: Bearer <token>`. */
  readonly tokenSha256: string;
  readonly backend: AdminBackend;
  /** Largest request body (a job bundle), in bytes. */
  readonly maxBodyBytes: number;
  readonly logger: Logger;
}

const STATUS_OF_CODE: Readonly<Record<string, number>> = {
  [FederationErrorCode.ADMIN_UNAUTHORIZED]: 401,
  [FederationErrorCode.ADMIN_BAD_REQUEST]: 400,
  [FederationErrorCode.INVALID_BUNDLE]: 400,
  [JobErrorCode.JOB_INVALID]: 400,
  [FederationErrorCode.JOB_NOT_FOUND]: 404,
  [FederationErrorCode.JOB_FINISHED]: 409,
  [FederationErrorCode.JOB_RESULT_NOT_READY]: 409,
  [FederationErrorCode.CLOSED]: 503,
};

const JOB_ID = '([0-9a-f-]{36})';
const ROUTES = {
  jobs: /^\/api\/v1\/jobs$/,
  job: new RegExp(`^/api/v1/jobs/${JOB_ID}$`),
  abort: new RegExp(`^/api/v1/jobs/${JOB_ID}/abort$`),
  result: new RegExp(`^/api/v1/jobs/${JOB_ID}/result$`),
  clients: /^\/api\/v1\/clients$/,
};

function badRequest(message: string): Error {
  return federationError(FederationErrorCode.ADMIN_BAD_REQUEST, message);
}

/**
 * The server's minimal admin endpoint for POC mode: HTTPS on 127.0.0.1 with the server certificate, every
 * request authenticated by the admin token, JSON in and out.
 *
 * - `POST /api/v1/jobs?seed=N` with a job bundle body: submit; 201 with the job
 * - `GET /api/v1/jobs`: list; `GET /api/v1/jobs/<id>`: status with round progress
 * - `POST /api/v1/jobs/<id>/abort`: abort; `GET /api/v1/jobs/<id>/result`: the finished job's workspace as a bundle
 * - `GET /api/v1/clients`: the client parents logged in
 *
 * Errors are `{ "error": { "code", "message", "problems"? } }` with 400, 401, 404, 409, 413 or 503. It lives
 * alone in this file so the admin gateway can replace it.
 */
export class AdminEndpoint {
  readonly #server: Server;
  readonly #options: AdminEndpointOptions;

  private constructor(server: Server, options: AdminEndpointOptions) {
    this.#server = server;
    this.#options = options;
  }

  /** Starts listening. */
  static async start(options: AdminEndpointOptions): Promise<AdminEndpoint> {
    const server = createServer({ cert: options.tls.cert, key: options.tls.key });
    const endpoint = new AdminEndpoint(server, options);
    server.on('request', (request: IncomingMessage, response: ServerResponse) => void endpoint.#serve(request, response));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    return endpoint;
  }

  /** The bound port. */
  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  /** Stops accepting requests and closes idle and open connections. Idempotent. */
  async close(): Promise<void> {
    if (!this.#server.listening) return;
    await new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }

  async #serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    try {
      this.#authorize(request);
      const url = new URL(request.url ?? '/', 'https://admin.invalid');
      await this.#route({ request, response, url });
    } catch (err) {
      this.#fail(response, err);
    }
  }

  #authorize(request: IncomingMessage): void {
    const header = request.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : '';
    if (token === '' || !tokenMatches(token, this.#options.tokenSha256)) {
      throw federationError(FederationErrorCode.ADMIN_UNAUTHORIZED, 'the admin token is missing or wrong');
    }
  }

  async #route(call: { readonly request: IncomingMessage; readonly response: ServerResponse; readonly url: URL }): Promise<void> {
    const { request, response, url } = call;
    const { backend } = this.#options;
    const method = request.method ?? 'GET';
    const path = url.pathname;
    let match: RegExpExecArray | null;
    if (ROUTES.jobs.test(path) && method === 'POST') {
      const seed = Number(url.searchParams.get('seed') ?? '0');
      if (!Number.isSafeInteger(seed)) throw badRequest(`seed must be a whole number, got ${JSON.stringify(url.searchParams.get('seed'))}`);
      const bundle = await this.#body(request);
      const record = await backend.submit({ bundle, seed });
      this.#options.logger.info({ jobId: record.id, name: record.name }, 'admin submitted a job');
      this.#json(response, 201, record);
    } else if (ROUTES.jobs.test(path) && method === 'GET') {
      this.#json(response, 200, { jobs: backend.list().map(summarizeJob) });
    } else if ((match = ROUTES.job.exec(path)) !== null && method === 'GET') {
      this.#json(response, 200, backend.get(match[1] ?? ''));
    } else if ((match = ROUTES.abort.exec(path)) !== null && method === 'POST') {
      this.#json(response, 202, await backend.abort(match[1] ?? ''));
    } else if ((match = ROUTES.result.exec(path)) !== null && method === 'GET') {
      const bundle = await backend.result(match[1] ?? '');
      response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': bundle.byteLength });
      response.end(bundle);
    } else if (ROUTES.clients.test(path) && method === 'GET') {
      this.#json(response, 200, { clients: backend.clients() });
    } else {
      throw badRequest(`no route for ${method} ${path}`);
    }
  }

  async #body(request: IncomingMessage): Promise<Uint8Array> {
    const max = this.#options.maxBodyBytes;
    const declared = Number(request.headers['content-length'] ?? NaN);
    if (declared > max) throw this.#tooLarge(max);
    const chunks: Buffer[] = [];
    let total = 0;
    for await (const chunk of request as AsyncIterable<Buffer>) {
      total += chunk.byteLength;
      if (total > max) throw this.#tooLarge(max);
      chunks.push(chunk);
    }
    if (total === 0) throw badRequest('the request has no body; send the job bundle');
    return Buffer.concat(chunks);
  }

  #tooLarge(max: number): Error {
    return federationError(FederationErrorCode.ADMIN_BAD_REQUEST, `the request body is over the limit of ${max} bytes`, { context: { status: 413 } });
  }

  #json(response: ServerResponse, status: number, body: unknown): void {
    const text = `${JSON.stringify(body)}\n`;
    response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
    response.end(text);
  }

  #fail(response: ServerResponse, err: unknown): void {
    const error = toError(err);
    const code = isHearthError(error) ? error.code : 'HEARTH_ERR_INTERNAL';
    const status = (isHearthError(error) ? (error.context['status'] as number | undefined) : undefined) ?? STATUS_OF_CODE[code] ?? 500;
    if (status >= 500) this.#options.logger.error({ err: error }, 'admin request failed');
    const problems = isHearthError(error) ? error.context['problems'] : undefined;
    if (response.headersSent) {
      response.destroy();
      return;
    }
    this.#json(response, status, { error: { code, message: error.message, ...(problems === undefined ? {} : { problems }) } });
    if (status === 413) response.once('finish', () => response.socket?.destroy());
  }
}
