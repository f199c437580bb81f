import { mkdir, readdir } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { HearthError, writeFileAtomic } from '@hearth/core';
import { ClientAppConfigSchema, ServerAppConfigSchema } from './app-config-schema.js';
import { ClientAppBuilder, ServerAppBuilder } from './app-config-builder.js';
import { checkJobMeta } from './check-job-meta.js';
import { isValidAppName } from './deployment.js';
import { JobErrorCode } from './errors.js';
import { appConfigFile, JobLayout } from './job-layout.js';
import type { JobMeta, ResourceRequest } from './job-meta-schema.js';
import type { JobProblem } from './job-problem.js';
import { formatJobProblem } from './job-problem.js';
import { schemaProblems } from './schema-problems.js';

/** Job-wide settings of a {@link JobBuilder}; they become `meta.json`. */
export interface JobBuilderOptions {
  /** The job's name. */
  readonly name: string;
  /** Clients that must be available before the job is scheduled. @default not written (the scheduler's default) */
  readonly minClients?: number;
  /** Clients without which the job must not run. @default none */
  readonly mandatoryClients?: readonly string[];
  /** Resources the job needs per site. @default none */
  readonly resourceSpec?: Readonly<Record<string, ResourceRequest>>;
  /** Privacy scope the job asks each site to apply. @default the site's default scope */
  readonly scope?: string;
  /** Free-form user data kept in `meta.json`. @default none */
  readonly customProps?: Readonly<Record<string, unknown>>;
}

/** Options for {@link JobBuilder.write}. */
export interface WriteJobOptions {
  /** Write into a folder that already holds files (files the job does not write are left alone). @default false */
  readonly overwrite?: boolean;
}

interface AppParts {
  server?: ServerAppBuilder;
  client?: ClientAppBuilder;
}

function invalid(message: string, context: Record<string, unknown> = {}): HearthError {
  return new HearthError(JobErrorCode.JOB_BUILDER_INVALID, message, { context });
}

function throwIfProblems(problems: readonly JobProblem[]): void {
  if (problems.length === 0) return;
  throw invalid(`the job would not be valid:\n${problems.map((p) => `  ${formatJobProblem(p)}`).join('\n')}`, { problems });
}

function jsonText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/**
 * Writes a job folder from TypeScript: the same `meta.json` and app configs a person would write, so
 * `validateJob` and `loadJob` read it like any other job.
 *
 * ```ts
 * const job = new JobBuilder({ name: 'fedavg', minClients: 2 });
 * job.serverApp('app_server').addComponent({ id: 'aggregator', type: 'WeightedAggregator' })
 *   .addWorkflow({ id: 'sag', type: 'ScatterAndGather', args: { aggregator_id: 'aggregator', num_rounds: 3 } });
 * job.clientApp('app_client').addExecutor({ tasks: ['train'], executor: { type: 'OnnxTrainer' } });
 * job.deployTo('app_server', ['server']).deployTo('app_client', ['site-1', 'site-2']);
 * await job.write('jobs/fedavg');
 * ```
 */
export class JobBuilder {
  readonly #options: JobBuilderOptions;
  readonly #apps = new Map<string, AppParts>();
  readonly #deployMap = new Map<string, string[]>();
  readonly #files = new Map<string, string | Uint8Array>();

  constructor(options: JobBuilderOptions) {
    if (typeof options.name !== 'string' || options.name === '') throw invalid('a job needs a non-empty name');
    this.#options = structuredClone(options);
  }

  #app(name: string): AppParts {
    if (!isValidAppName(name)) {
      throw invalid(`"${name}" is not a usable app folder name (letters, digits, ".", "_" and "-", not starting with ".")`, { app: name });
    }
    let parts = this.#apps.get(name);
    if (parts === undefined) {
      parts = {};
      this.#apps.set(name, parts);
    }
    return parts;
  }

  /** The server side of app `name` (created on first use). An app may have both sides. */
  serverApp(name: string): ServerAppBuilder {
    const parts = this.#app(name);
    parts.server ??= new ServerAppBuilder();
    return parts.server;
  }

  /** The client side of app `name` (created on first use). */
  clientApp(name: string): ClientAppBuilder {
    const parts = this.#app(name);
    parts.client ??= new ClientAppBuilder();
    return parts.client;
  }

  /** Deploys app `app` to `sites` (`server`, site names or `@ALL`); calls add up. */
  deployTo(app: string, sites: readonly string[]): this {
    if (sites.length === 0) throw invalid(`deployTo("${app}") needs at least one site`, { app });
    this.#deployMap.set(app, [...(this.#deployMap.get(app) ?? []), ...sites]);
    return this;
  }

  /**
   * Adds another file to the job folder, such as custom code (`app/custom/x.js`) that a `./app/custom/x.js#X`
   * component type loads. `path` is relative and `/`-separated, and may not replace a file the builder writes.
   */
  addFile(path: string, contents: string | Uint8Array): this {
    const normalized = posix.normalize(path);
    if (path === '' || posix.isAbsolute(path) || normalized.split('/').includes('..') || normalized === '.') {
      throw invalid(`file path "${path}" must be relative and stay inside the job folder`, { path });
    }
    this.#files.set(normalized, contents);
    return this;
  }

  /** The `meta.json` contents; throws `HEARTH_ERR_JOB_BUILDER_INVALID` when they would not validate. */
  toMeta(): JobMeta {
    const o = this.#options;
    const meta: JobMeta = {
      name: o.name,
      deploy_map: Object.fromEntries([...this.#deployMap].map(([app, sites]) => [app, [...sites]])),
      ...(o.minClients === undefined ? {} : { min_clients: o.minClients }),
      ...(o.mandatoryClients === undefined ? {} : { mandatory_clients: [...o.mandatoryClients] }),
      ...(o.resourceSpec === undefined ? {} : { resource_spec: structuredClone(o.resourceSpec) }),
      ...(o.scope === undefined ? {} : { scope: o.scope }),
      ...(o.customProps === undefined ? {} : { custom_props: structuredClone(o.customProps) }),
    };
    throwIfProblems(checkJobMeta(meta).problems);
    for (const app of this.#deployMap.keys()) {
      if (!this.#apps.has(app)) throw invalid(`app "${app}" is deployed but has no server or client config`, { app });
    }
    for (const app of this.#apps.keys()) {
      if (!this.#deployMap.has(app)) throw invalid(`app "${app}" is never deployed; call deployTo("${app}", [...])`, { app });
    }
    return meta;
  }

  /** Every file of the job folder: relative `/`-separated path → contents. Checks what it can without a registry. */
  toFiles(): Map<string, string | Uint8Array> {
    const files = new Map<string, string | Uint8Array>([[JobLayout.META_FILE, jsonText(this.toMeta())]]);
    for (const [name, parts] of this.#apps) {
      if (parts.server !== undefined) {
        const file = appConfigFile(name, 'server');
        const config = parts.server.toConfig();
        throwIfProblems(schemaProblems({ schema: ServerAppConfigSchema, value: config, file }));
        files.set(file, jsonText(config));
      }
      if (parts.client !== undefined) {
        const file = appConfigFile(name, 'client');
        const config = parts.client.toConfig();
        throwIfProblems(schemaProblems({ schema: ClientAppConfigSchema, value: config, file }));
        files.set(file, jsonText(config));
      }
    }
    for (const [path, contents] of this.#files) {
      if (files.has(path)) throw invalid(`file "${path}" would replace a file the builder writes`, { path });
      files.set(path, contents);
    }
    return files;
  }

  /**
   * Writes the job folder at `dir` (created if needed). Each file is written to a temporary name and renamed
   * into place, so a crash never leaves a half-written config. Throws `HEARTH_ERR_JOB_DIR_NOT_EMPTY` when
   * `dir` already holds files, unless `overwrite` is set.
   */
  async write(dir: string, options: WriteJobOptions = {}): Promise<void> {
    const files = this.toFiles();
    await mkdir(dir, { recursive: true });
    if (options.overwrite !== true && (await readdir(dir)).length > 0) {
      throw new HearthError(JobErrorCode.JOB_DIR_NOT_EMPTY, `job folder ${dir} is not empty (pass overwrite: true to write into it)`, {
        context: { dir },
      });
    }
    for (const [path, contents] of files) {
      await writeFileAtomic(join(dir, ...path.split('/')), contents);
    }
  }
}
