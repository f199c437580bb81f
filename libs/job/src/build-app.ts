import { HearthError, isFLComponent, isHearthError } from '@hearth/core';
import type { Executor, Filter, FLComponent } from '@hearth/core';
import { ALL_TASKS } from './app-config-schema.js';
import type { ClientAppConfig, ServerAppConfig } from './app-config-schema.js';
import { executorBindings, filterBindings } from './app-entries.js';
import type { AppEntry, FilterChainKey } from './app-entries.js';
import type { AppConfigReport } from './check-app-config.js';
import { checkAppConfig } from './check-app-config.js';
import type { ComponentRefs } from './component-definition.js';
import type { ComponentRegistry } from './component-registry.js';
import { JobErrorCode } from './errors.js';
import { JobLayout } from './job-layout.js';
import type { AppSide } from './job-layout.js';
import { JobInvalidError } from './job-problem.js';

/** Options for {@link buildServerApp} and {@link buildClientApp}. */
export interface BuildAppOptions {
  /** The component types the config may name. */
  readonly registry: ComponentRegistry;
  /** The job folder; relative custom-code specifiers resolve from here. */
  readonly jobDir: string;
  /** Whether `module#Export` types may load custom code. @default true */
  readonly allowCustomCode?: boolean;
  /** How problems name the config file. @default `config_fed_server.json` or `config_fed_client.json` */
  readonly file?: string;
}

/** A filter chain bound to tasks: `'*'` for every task, else the task names. */
export interface FilterBinding {
  readonly tasks: readonly string[] | typeof ALL_TASKS;
  /** Applied in order. */
  readonly filters: readonly Filter[];
}

/** An executor and the tasks it performs. */
export interface ExecutorBinding {
  readonly tasks: readonly string[];
  readonly executor: Executor;
}

/** The built filter chains of an app. */
export interface AppFilters {
  /** Task data filters, in config order. */
  readonly taskDataFilters: readonly FilterBinding[];
  /** Task result filters, in config order. */
  readonly taskResultFilters: readonly FilterBinding[];
}

/** A server app built from its config: what the server engine runs. */
export interface ServerApp extends AppFilters {
  /** Every component that has an id (components, then workflows), in config order. */
  readonly components: ReadonlyMap<string, FLComponent>;
  /** The workflows, run one after another in config order. */
  readonly workflows: readonly FLComponent[];
}

/** A client app built from its config: what the client engine runs. */
export interface ClientApp extends AppFilters {
  /** Every component that has an id (components, then executors with ids), in config order. */
  readonly components: ReadonlyMap<string, FLComponent>;
  /** The executors with the tasks each performs, in config order. */
  readonly executors: readonly ExecutorBinding[];
}

const BUILD_CODES: ReadonlySet<string> = new Set([
  JobErrorCode.COMPONENT_REF_UNKNOWN,
  JobErrorCode.COMPONENT_REF_CYCLE,
  JobErrorCode.COMPONENT_BUILD_FAILED,
  JobErrorCode.COMPONENT_KIND_MISMATCH,
]);

const SLOT_METHOD: Readonly<Record<AppEntry['slot'], string | undefined>> = {
  component: undefined,
  workflow: undefined,
  executor: 'execute',
  filter: 'process',
};

class AppAssembler {
  readonly #report: AppConfigReport;
  readonly #byId = new Map<string, AppEntry>();
  readonly #built = new Map<string, FLComponent>();
  readonly #building = new Set<string>();

  constructor(report: AppConfigReport) {
    this.#report = report;
    for (const entry of report.entries) if (entry.id !== undefined) this.#byId.set(entry.id, entry);
  }

  buildAll(): void {
    for (const entry of this.#report.entries) this.#build(entry);
  }

  component(path: string): FLComponent {
    const component = this.#built.get(path);
    if (component === undefined) throw new HearthError(JobErrorCode.COMPONENT_BUILD_FAILED, `internal: ${path} was not built`);
    return component;
  }

  components(): Map<string, FLComponent> {
    const out = new Map<string, FLComponent>();
    for (const entry of this.#report.entries) if (entry.id !== undefined) out.set(entry.id, this.component(entry.path));
    return out;
  }

  #refs(from: AppEntry): ComponentRefs {
    return {
      get: (id: string): FLComponent => {
        const target = this.#byId.get(id);
        if (target === undefined) {
          const message = `${from.path} refers to component "${id}", which this app does not define`;
          throw new HearthError(JobErrorCode.COMPONENT_REF_UNKNOWN, message, { context: { path: from.path, id } });
        }
        return this.#build(target);
      },
    };
  }

  #build(entry: AppEntry): FLComponent {
    const done = this.#built.get(entry.path);
    if (done !== undefined) return done;
    if (this.#building.has(entry.path)) {
      const message = `component "${entry.id ?? entry.path}" needs itself to be built (reference cycle)`;
      throw new HearthError(JobErrorCode.COMPONENT_REF_CYCLE, message, { context: { path: entry.path } });
    }
    const definition = this.#report.definitions.get(entry.path);
    const args = this.#report.args.get(entry.path);
    if (definition === undefined || args === undefined) {
      throw new HearthError(JobErrorCode.COMPONENT_BUILD_FAILED, `internal: ${entry.path} was not validated`);
    }
    this.#building.add(entry.path);
    let component: unknown;
    try {
      component = definition.create(args, this.#refs(entry));
    } catch (thrown) {
      if (isHearthError(thrown) && BUILD_CODES.has(thrown.code)) throw thrown;
      const reason = thrown instanceof Error ? thrown.message : String(thrown);
      throw new HearthError(JobErrorCode.COMPONENT_BUILD_FAILED, `cannot build ${entry.path} (type ${entry.type}): ${reason}`, {
        context: { path: entry.path, type: entry.type },
        cause: thrown,
      });
    } finally {
      this.#building.delete(entry.path);
    }
    const method = SLOT_METHOD[entry.slot];
    const fits =
      isFLComponent(component) && (method === undefined || typeof (component as unknown as Record<string, unknown>)[method] === 'function');
    if (!fits) {
      const needs = method === undefined ? 'an FLComponent' : `an FLComponent that has ${method}()`;
      throw new HearthError(JobErrorCode.COMPONENT_KIND_MISMATCH, `${entry.path} (type ${entry.type}) did not build ${needs}`, {
        context: { path: entry.path, type: entry.type, slot: entry.slot },
      });
    }
    const built = component as FLComponent;
    if (entry.id !== undefined) built.id = entry.id;
    this.#built.set(entry.path, built);
    return built;
  }
}

async function assemble(config: unknown, options: BuildAppOptions & { readonly side: AppSide }): Promise<AppAssembler> {
  const defaultFile = options.side === 'server' ? JobLayout.SERVER_CONFIG_FILE : JobLayout.CLIENT_CONFIG_FILE;
  const report = await checkAppConfig({ ...options, value: config, file: options.file ?? defaultFile });
  if (report.problems.length > 0) throw new JobInvalidError({ dir: options.jobDir, problems: report.problems });
  const assembler = new AppAssembler(report);
  assembler.buildAll();
  return assembler;
}

function filtersOf(config: unknown, assembler: AppAssembler): AppFilters {
  const chain = (key: FilterChainKey): FilterBinding[] =>
    filterBindings(config, key).map(({ path, binding }) => ({
      tasks: binding.tasks.length === 1 && binding.tasks[0] === ALL_TASKS ? ALL_TASKS : [...binding.tasks],
      filters: binding.filters.map((_, index) => assembler.component(`${path}.filters[${index}]`) as Filter),
    }));
  return { taskDataFilters: chain('task_data_filters'), taskResultFilters: chain('task_result_filters') };
}

/**
 * Builds a server app: validates the config (throwing {@link JobInvalidError} with every problem), loads
 * custom code, then creates components, workflows and filters in config order (a referenced component that
 * comes later is created first). Throws `HEARTH_ERR_COMPONENT_BUILD_FAILED` with the config path when a
 * factory throws.
 */
export async function buildServerApp(config: ServerAppConfig, options: BuildAppOptions): Promise<ServerApp> {
  const assembler = await assemble(config, { ...options, side: 'server' });
  return {
    components: assembler.components(),
    workflows: config.workflows.map((_, index) => assembler.component(`$.workflows[${index}]`)),
    ...filtersOf(config, assembler),
  };
}

/** Builds a client app the same way as {@link buildServerApp}: components, executors, then filters. */
export async function buildClientApp(config: ClientAppConfig, options: BuildAppOptions): Promise<ClientApp> {
  const assembler = await assemble(config, { ...options, side: 'client' });
  return {
    components: assembler.components(),
    executors: executorBindings(config).map(({ path, binding }) => ({
      tasks: [...binding.tasks],
      executor: assembler.component(`${path}.executor`) as Executor,
    })),
    ...filtersOf(config, assembler),
  };
}
