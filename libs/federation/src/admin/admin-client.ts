import { request } from 'node:https';
import { HearthError } from '@hearth/core';
import { FederationErrorCode, federationError } from '../errors.js';
import type { ClientInfo } from '../server/admin-backend.js';
import type { JobRecord, JobSummary } from '../server/job-record.js';

/** Options for {@link AdminClient}. */
export interface AdminClientOptions {
  /** Host of the admin endpoint. @default '127.0.0.1' */
  readonly host?: string;
  readonly port: number;
  /** The admin token. */
  readonly token: string;
  /** CA that the server certificate chains to (PEM). */
  readonly ca: string;
  /** How long one request may take. @default 60000 */
  readonly timeoutMs?: number;
}

interface Reply {
  readonly status: number;
  readonly body: Buffer;
}

/**
 * Talks to a server's admin endpoint (what `hearth poc submit` and `hearth poc jobs` use). Failures throw a
 * HearthError with the server's code (and `problems` in the context for invalid jobs), or
 * ADMIN_REQUEST_FAILED when the endpoint cannot be reached.
 */
export class AdminClient {
  readonly #options: AdminClientOptions;

  constructor(options: AdminClientOptions) {
    this.#options = options;
  }

  /** Submits a job bundle (see `packJobFolder`); resolves with the queued job. */
  async submit(bundle: Uint8Array, options: { readonly seed?: number } = {}): Promise<JobRecord> {
    return this.#json<JobRecord>({ method: 'POST', path: `/api/v1/jobs?seed=${options.seed ?? 0}`, body: bundle });
  }

  /** Every job, oldest first. */
  async listJobs(): Promise<JobSummary[]> {
    return (await this.#json<{ jobs: JobSummary[] }>({ method: 'GET', path: '/api/v1/jobs' })).jobs;
  }

  /** One job with its round progress. */
  job(id: string): Promise<JobRecord> {
    return this.#json<JobRecord>({ method: 'GET', path: `/api/v1/jobs/${encodeURIComponent(id)}` });
  }

  /** Asks the server to abort a job. */
  abort(id: string): Promise<JobRecord> {
    return this.#json<JobRecord>({ method: 'POST', path: `/api/v1/jobs/${encodeURIComponent(id)}/abort` });
  }

  /** The finished job's server workspace, as a bundle (unpack it with `unpackBundle`). */
  async result(id: string): Promise<Uint8Array> {
    const reply = await this.#send({ method: 'GET', path: `/api/v1/jobs/${encodeURIComponent(id)}/result` });
    return new Uint8Array(reply.body);
  }

  /** The client parents logged in now. */
  async clients(): Promise<ClientInfo[]> {
    return (await this.#json<{ clients: ClientInfo[] }>({ method: 'GET', path: '/api/v1/clients' })).clients;
  }

  async #json<T>(call: { readonly method: string; readonly path: string; readonly body?: Uint8Array }): Promise<T> {
    const reply = await this.#send(call);
    return JSON.parse(reply.body.toString('utf8')) as T;
  }

  async #send(call: { readonly method: string; readonly path: string; readonly body?: Uint8Array }): Promise<Reply> {
    const host = this.#options.host ?? '127.0.0.1';
    const where = `https://${host}:${this.#options.port}`;
    const reply = await new Promise<Reply>((resolve, reject) => {
      const req = request(
        {
          host,
          port: this.#options.port,
          method: call.method,
          path: call.path,
          ca: this.#options.ca,
          agent: false,
          timeout: this.#options.timeoutMs ?? 60_000,
          headers: {
            authorization: `Bearer ${this.#options.token}`,
            ...(call.body === undefined ? {} : { 'content-type': 'application/octet-stream', 'content-length': call.body.byteLength }),
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks) }));
          response.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.#options.timeoutMs ?? 60_000} ms`)));
      req.on('error', (err) => reject(federationError(FederationErrorCode.ADMIN_REQUEST_FAILED, `cannot reach the admin endpoint at ${where}: ${err.message}`, { cause: err })));
      req.end(call.body);
    });
    if (reply.status >= 200 && reply.status < 300) return reply;
    let detail: { code?: unknown; message?: unknown; problems?: unknown } = {};
    try {
      detail = (JSON.parse(reply.body.toString('utf8')) as { error?: typeof detail }).error ?? {};
    } catch {
      detail = { message: reply.body.toString('utf8').slice(0, 500) };
    }
    const code = typeof detail.code === 'string' ? detail.code : FederationErrorCode.ADMIN_REQUEST_FAILED;
    const message = typeof detail.message === 'string' ? detail.message : `HTTP ${reply.status}`;
    throw new HearthError(code, message, { context: { status: reply.status, ...(detail.problems === undefined ? {} : { problems: detail.problems }) } });
  }
}
