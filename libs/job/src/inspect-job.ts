import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { AppConfigReport } from './check-app-config.js';
import { checkAppConfig } from './check-app-config.js';
import { checkJobMeta } from './check-job-meta.js';
import type { ComponentRegistry } from './component-registry.js';
import { isAllSites } from './deployment.js';
import { childPath } from './json-path.js';
import { appConfigFile, JobLayout } from './job-layout.js';
import type { AppSide } from './job-layout.js';
import { SERVER_SITE } from './job-meta-schema.js';
import type { JobMeta } from './job-meta-schema.js';
import type { JobProblem } from './job-problem.js';
import { readJsonFile } from './read-json-file.js';

/** Options for `validateJob` and `loadJob`. */
export interface ValidateJobOptions {
  /** The component types the job may name. */
  readonly registry: ComponentRegistry;
  /**
   * Whether `module#Export` component types may load custom code. Pass false on a site whose policy
   * forbids custom code or when the job is not signed. @default true
   */
  readonly allowCustomCode?: boolean;
  /**
   * Whether validation may load custom code to check its export and args. A server validating a submitted
   * job passes false so no submitter code runs there: custom types are then checked for form and presence
   * only, and their args by the `*_id` reference convention only. @default true
   */
  readonly loadCustomCode?: boolean;
}

/** One app's checked configs. */
export interface InspectedApp {
  readonly name: string;
  readonly sites: readonly string[];
  readonly configs: ReadonlyMap<AppSide, { readonly value: unknown; readonly report: AppConfigReport }>;
}

/** Everything validation learnt about a job folder. */
export interface JobInspection {
  readonly dir: string;
  readonly problems: readonly JobProblem[];
  readonly meta: JobMeta | undefined;
  readonly apps: readonly InspectedApp[];
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

function sidesNeeded(sites: readonly string[]): Set<AppSide> {
  const sides = new Set<AppSide>();
  for (const site of sites) {
    if (isAllSites(site)) {
      sides.add('server');
      sides.add('client');
    } else {
      sides.add(site === SERVER_SITE ? 'server' : 'client');
    }
  }
  return sides;
}

async function inspectApp(
  options: ValidateJobOptions & { readonly dir: string; readonly name: string; readonly sites: readonly string[] },
  problems: JobProblem[],
): Promise<InspectedApp | undefined> {
  const { dir, name, sites } = options;
  if (!(await isDirectory(join(dir, name)))) {
    problems.push({
      file: JobLayout.META_FILE,
      path: childPath('$.deploy_map', name),
      message: `app "${name}" has no folder ${name}/ in the job folder`,
    });
    return undefined;
  }
  const needed = sidesNeeded(sites);
  const configs = new Map<AppSide, { value: unknown; report: AppConfigReport }>();
  for (const side of ['server', 'client'] as const) {
    const file = appConfigFile(name, side);
    const read = await readJsonFile({ dir, file });
    if (read.status === 'missing') {
      if (needed.has(side)) {
        const target = side === 'server' ? 'the server' : 'clients';
        problems.push({ file, path: '$', message: `is missing, but app "${name}" is deployed to ${target}` });
      }
      continue;
    }
    if (read.status === 'invalid') {
      problems.push(read.problem);
      continue;
    }
    const report = await checkAppConfig({ ...options, value: read.value, side, file, jobDir: dir });
    problems.push(...report.problems);
    configs.set(side, { value: read.value, report });
  }
  return { name, sites, configs };
}

/**
 * Reads and checks a whole job folder: `meta.json`, then each app in the deploy map (its folder and the
 * configs it needs, each checked in full). Problems are collected, never thrown, so one run reports them all.
 */
export async function inspectJob(dir: string, options: ValidateJobOptions): Promise<JobInspection> {
  const root = resolve(dir);
  const problems: JobProblem[] = [];
  const read = await readJsonFile({ dir: root, file: JobLayout.META_FILE });
  if (read.status !== 'ok') {
    const message = 'is missing; every job folder needs a meta.json with at least name and deploy_map';
    problems.push(read.status === 'missing' ? { file: JobLayout.META_FILE, path: '$', message } : read.problem);
    return { dir: root, problems, meta: undefined, apps: [] };
  }
  const metaReport = checkJobMeta(read.value);
  problems.push(...metaReport.problems);
  const apps: InspectedApp[] = [];
  for (const [name, sites] of metaReport.apps) {
    const app = await inspectApp({ ...options, dir: root, name, sites }, problems);
    if (app !== undefined) apps.push(app);
  }
  return { dir: root, problems, meta: metaReport.meta, apps };
}
