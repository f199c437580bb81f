import type { JobRecord } from './job-record.js';

/** A client parent as the admin endpoint lists it. */
export interface ClientInfo {
  readonly site: string;
  /** True while its control connection is up (false while it reconnects within the grace period). */
  readonly connected: boolean;
}

/**
 * What the admin endpoint asks of the server. The endpoint is only HTTP in front of it, so the later admin
 * gateway can serve the same operations without touching the daemon.
 */
export interface AdminBackend {
  /** Stores, validates and queues a job bundle, with the seed its components read. */
  submit(input: { readonly bundle: Uint8Array; readonly seed: number }): Promise<JobRecord>;
  /** Every job, oldest first. */
  list(): readonly JobRecord[];
  /** One job; throws JOB_NOT_FOUND. */
  get(id: string): JobRecord;
  /** Aborts a job; throws JOB_NOT_FOUND or JOB_FINISHED. */
  abort(id: string): Promise<JobRecord>;
  /** The finished job's server workspace as a bundle; throws JOB_RESULT_NOT_READY. */
  result(id: string): Promise<Uint8Array>;
  /** The client parents logged in now. */
  clients(): readonly ClientInfo[];
}
