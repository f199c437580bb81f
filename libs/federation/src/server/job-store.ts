import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { toError, writeFileAtomic, writeJsonAtomic } from '@hearth/core';
import type { Logger } from '@hearth/core';
import { JobStatus, canTransition, isFinishedStatus, transition } from '@hearth/job';
import type { JobStatusValue } from '@hearth/job';
import { FederationErrorCode, federationError } from '../errors.js';
import { checkValue } from '../internal/check-value.js';
import { JobRecordSchema } from './job-record.js';
import type { JobRecord } from './job-record.js';

/** Where a job's files live on the server. */
export interface JobPaths {
  /** `jobs/<id>` */
  readonly root: string;
  /** The record, `jobs/<id>/job.json`. */
  readonly record: string;
  /** The submitted bundle, sent on to the clients. */
  readonly bundle: string;
  /** The unpacked job folder. */
  readonly jobDir: string;
  /** The server job process's workspace: models, metrics, metrics.json. */
  readonly workspace: string;
  /** Logs of the server job process. */
  readonly logs: string;
}

/** A change to a record: new field values, or a function of the current record. */
export type JobPatch = Partial<Omit<JobRecord, 'id'>> | ((record: JobRecord) => Partial<Omit<JobRecord, 'id'>>);

/**
 * The server's jobs on disk, one folder per job with its record as `job.json`, each write atomic and the
 * writes of one job in order. Status changes go through the job status machine, so no record ever shows an
 * impossible history. Opening the store after a crash marks jobs that were dispatched or running as
 * FINISHED:ABNORMAL; submitted jobs stay queued.
 */
export class JobStore {
  readonly dir: string;
  readonly #records = new Map<string, JobRecord>();
  readonly #writes = new Map<string, Promise<void>>();
  readonly #logger: Logger;

  private constructor(dir: string, logger: Logger) {
    this.dir = dir;
    this.#logger = logger;
  }

  /** Reads every job record under `dir` (creating it), skipping unreadable ones with a warning. */
  static async open(options: { readonly dir: string; readonly logger: Logger }): Promise<JobStore> {
    const store = new JobStore(options.dir, options.logger);
    await mkdir(options.dir, { recursive: true });
    const loaded: JobRecord[] = [];
    for (const entry of await readdir(options.dir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const path = join(options.dir, entry.name, 'job.json');
      try {
        const value: unknown = JSON.parse(await readFile(path, 'utf8'));
        const record = checkValue({ schema: JobRecordSchema, value, what: `job record ${path}`, code: FederationErrorCode.INVALID_CONFIG }) as JobRecord;
        if (record.id === entry.name) loaded.push(record);
      } catch (err) {
        options.logger.warn({ err: toError(err), path }, 'skipping a job folder without a readable record');
      }
    }
    loaded.sort((a, b) => (a.submitted_at < b.submitted_at ? -1 : a.submitted_at > b.submitted_at ? 1 : 0));
    for (const record of loaded) {
      store.#records.set(record.id, record);
      if (record.status === JobStatus.DISPATCHED || record.status === JobStatus.RUNNING) {
        await store.update(record.id, {
          status: JobStatus.FINISHED_ABNORMAL,
          finished_at: new Date().toISOString(),
          clients: [],
          error: 'the server stopped while the job ran',
        });
      }
    }
    return store;
  }

  /** The files of job `id`. */
  paths(id: string): JobPaths {
    const root = join(this.dir, id);
    return {
      root,
      record: join(root, 'job.json'),
      bundle: join(root, 'bundle.hjb'),
      jobDir: join(root, 'job'),
      workspace: join(root, 'workspace'),
      logs: join(root, 'logs'),
    };
  }

  /** Every job, oldest submission first. */
  list(): JobRecord[] {
    return [...this.#records.values()];
  }

  /** The record of `id`; throws JOB_NOT_FOUND. */
  get(id: string): JobRecord {
    const record = this.#records.get(id);
    if (record === undefined) throw federationError(FederationErrorCode.JOB_NOT_FOUND, `no job with id ${id}`, { context: { id } });
    return record;
  }

  /** Stores a new job: its bundle and its record (status SUBMITTED). */
  async add(record: JobRecord, bundle: Uint8Array): Promise<void> {
    const paths = this.paths(record.id);
    await mkdir(paths.root, { recursive: true });
    await writeFileAtomic(paths.bundle, bundle);
    this.#records.set(record.id, record);
    await this.#persist(record.id);
  }

  /** Removes a job that never made it into the queue (its submission was refused). */
  async discard(id: string): Promise<void> {
    this.#records.delete(id);
    await rm(this.paths(id).root, { recursive: true, force: true });
  }

  /**
   * Applies `patch` and writes the record. A status change must be allowed by the status machine (throws
   * HEARTH_ERR_JOB_ILLEGAL_STATUS_TRANSITION otherwise); setting the status it already has is a no-op.
   */
  async update(id: string, patch: JobPatch): Promise<JobRecord> {
    const current = this.get(id);
    const changes = typeof patch === 'function' ? patch(current) : patch;
    let status: JobStatusValue = current.status;
    if (changes.status !== undefined && changes.status !== current.status) status = transition(current.status, changes.status);
    const next: JobRecord = { ...current, ...changes, id, status };
    this.#records.set(id, next);
    await this.#persist(id);
    return next;
  }

  /** True when `from` may become `to` (or already is `to`). */
  static allows(from: JobStatusValue, to: JobStatusValue): boolean {
    return from === to || canTransition(from, to);
  }

  /** True when the job of `id` has a final status. */
  isFinished(id: string): boolean {
    return isFinishedStatus(this.get(id).status);
  }

  /** Waits for every pending record write. */
  async flush(): Promise<void> {
    await Promise.all(this.#writes.values());
  }

  #persist(id: string): Promise<void> {
    const previous = this.#writes.get(id) ?? Promise.resolve();
    const write = previous.then(async () => {
      const record = this.#records.get(id);
      if (record !== undefined) await writeJsonAtomic(this.paths(id).record, record);
    });
    const settled = write.catch((err: unknown) => this.#logger.error({ err: toError(err), id }, 'could not write a job record'));
    this.#writes.set(id, settled);
    return write;
  }
}
