import { join } from 'node:path';
import type { ClientAppConfig, ServerAppConfig } from './app-config-schema.js';
import { inspectJob } from './inspect-job.js';
import type { ValidateJobOptions } from './inspect-job.js';
import type { JobMeta } from './job-meta-schema.js';
import { JobInvalidError } from './job-problem.js';

/** One app of a loaded job. */
export interface JobApp {
  /** The app's folder name, as in the deploy map. */
  readonly name: string;
  /** Absolute path of the app folder. */
  readonly dir: string;
  /** The sites the deploy map sends it to. */
  readonly sites: readonly string[];
  /** The server config, when the app has one. */
  readonly server: ServerAppConfig | undefined;
  /** The client config, when the app has one. */
  readonly client: ClientAppConfig | undefined;
}

/** A validated job folder, ready to build apps from. */
export interface LoadedJob {
  /** Absolute path of the job folder. */
  readonly dir: string;
  readonly meta: JobMeta;
  /** The deployed apps, in deploy-map order. */
  readonly apps: ReadonlyMap<string, JobApp>;
}

/**
 * Validates a job folder and returns its meta and app configs; throws a {@link JobInvalidError}
 * (`HEARTH_ERR_JOB_INVALID`) listing every problem when it is not valid.
 */
export async function loadJob(dir: string, options: ValidateJobOptions): Promise<LoadedJob> {
  const inspection = await inspectJob(dir, options);
  if (inspection.problems.length > 0 || inspection.meta === undefined) {
    throw new JobInvalidError({ dir: inspection.dir, problems: inspection.problems });
  }
  const apps = new Map<string, JobApp>();
  for (const app of inspection.apps) {
    apps.set(app.name, {
      name: app.name,
      dir: join(inspection.dir, app.name),
      sites: app.sites,
      server: app.configs.get('server')?.value as ServerAppConfig | undefined,
      client: app.configs.get('client')?.value as ClientAppConfig | undefined,
    });
  }
  return { dir: inspection.dir, meta: inspection.meta, apps };
}
