import { HearthError } from '@hearth/core';
import type { FLComponent } from '@hearth/core';
import { MetricsWriter } from '@hearth/engine';
import type { ClientApp, ServerApp } from '@hearth/engine';
import { SERVER_SITE, appForSite, buildClientApp, buildServerApp } from '@hearth/job';
import type { ComponentRegistry, JobApp, LoadedJob } from '@hearth/job';
import { isController } from '@hearth/workflow';
import { RunnerErrorCode } from './errors.js';
import { RunProps, withFirstComponent } from './run-props.js';

/** What {@link buildSiteApps} needs. */
export interface SiteAppsOptions {
  readonly job: LoadedJob;
  readonly registry: ComponentRegistry;
  /** Run seed handed to components through the context. */
  readonly seed: number;
  /**
   * Whether `module#Export` component types may load custom code; a site's policy decides.
   * @default true
   */
  readonly allowCustomCode?: boolean;
}

/** The app the job deploys to `site`; throws HEARTH_ERR_SITE_NOT_DEPLOYED when there is none. */
export function appOf(job: LoadedJob, site: string): JobApp {
  const name = appForSite(job.meta.deploy_map, site);
  const app = name === undefined ? undefined : job.apps.get(name);
  if (app === undefined) {
    throw new HearthError(RunnerErrorCode.SITE_NOT_DEPLOYED, `job ${job.meta.name}: deploy_map sends no app to site "${site}"`, {
      context: { site },
    });
  }
  return app;
}

/** Folder, inside the server's workspace, of the metrics clients stream during training. */
export const METRICS_STREAMS_DIR = 'metrics';

/**
 * `app` with a {@link MetricsWriter} last among its components (writing what clients stream to
 * `metrics/<site>.jsonl`), unless the job configured one itself.
 */
function withMetricsWriter(app: ServerApp): ServerApp {
  if ([...app.components.values()].some((component) => component instanceof MetricsWriter)) return app;
  const writer = new MetricsWriter({ dir: METRICS_STREAMS_DIR });
  writer.id = '__hearth_metrics_writer__';
  return { ...app, components: new Map([...app.components, [writer.id, writer]]) };
}

/**
 * Builds the server app the job deploys to `server`, with the run props first among its components and a
 * metrics writer, so the simulator and the daemons leave the same files behind.
 */
export async function buildJobServerApp(options: SiteAppsOptions): Promise<ServerApp> {
  const app = appOf(options.job, SERVER_SITE);
  if (app.server === undefined) {
    throw new HearthError(RunnerErrorCode.SITE_NOT_DEPLOYED, `job ${options.job.meta.name}: app "${app.name}" has no server config`);
  }
  const built = await buildServerApp(app.server, { registry: options.registry, jobDir: options.job.dir, allowCustomCode: options.allowCustomCode ?? true });
  const workflows = built.workflows.map((workflow: FLComponent) => {
    if (!isController(workflow)) {
      throw new HearthError(RunnerErrorCode.NOT_A_WORKFLOW, `job ${options.job.meta.name}: workflow "${workflow.id}" is not a Controller`);
    }
    return workflow;
  });
  const runProps = new RunProps({ seed: options.seed, jobDir: options.job.dir });
  return withMetricsWriter({ ...built, workflows, components: withFirstComponent(runProps, built.components) });
}

/** Builds the client app the job deploys to `site`, with the run props first among its components. */
export async function buildJobClientApp(options: SiteAppsOptions & { readonly site: string }): Promise<ClientApp> {
  const app = appOf(options.job, options.site);
  if (app.client === undefined) {
    throw new HearthError(RunnerErrorCode.SITE_NOT_DEPLOYED, `job ${options.job.meta.name}: app "${app.name}" has no client config`);
  }
  const built = await buildClientApp(app.client, { registry: options.registry, jobDir: options.job.dir, allowCustomCode: options.allowCustomCode ?? true });
  const runProps = new RunProps({ seed: options.seed, jobDir: options.job.dir });
  return { ...built, components: withFirstComponent(runProps, built.components) };
}
