import { HearthError } from '@hearth/core';
import { ALL_TASKS, FORMAT_VERSION } from './app-config-schema.js';
import type {
  ClientAppConfig,
  ComponentConfig,
  ExecutorBindingConfig,
  ExecutorConfig,
  FilterBindingConfig,
  FilterConfig,
  ServerAppConfig,
} from './app-config-schema.js';
import { JobErrorCode } from './errors.js';

/** Filters to bind to tasks in a builder: `'*'` (every task) or task names. */
export interface FilterBindingInput {
  readonly tasks: readonly string[] | typeof ALL_TASKS;
  readonly filters: readonly FilterConfig[];
}

/** An executor and the tasks it performs, for {@link ClientAppBuilder.addExecutor}. */
export interface ExecutorBindingInput {
  readonly tasks: readonly string[];
  readonly executor: ExecutorConfig;
}

function requireText(value: unknown, what: string): void {
  if (typeof value !== 'string' || value === '') {
    throw new HearthError(JobErrorCode.JOB_BUILDER_INVALID, `${what} must be a non-empty string, got ${JSON.stringify(value)}`, {
      context: { what },
    });
  }
}

function copyComponent<T extends { readonly type: string; readonly args?: Record<string, unknown> }>(component: T, what: string): T {
  requireText(component.type, `${what} type`);
  return structuredClone(component);
}

function filterBinding(input: FilterBindingInput, what: string): FilterBindingConfig {
  const tasks = input.tasks === ALL_TASKS ? [ALL_TASKS] : [...input.tasks];
  if (tasks.length === 0) throw new HearthError(JobErrorCode.JOB_BUILDER_INVALID, `${what} needs at least one task or "*"`);
  tasks.forEach((task) => requireText(task, `${what} task name`));
  return { tasks, filters: input.filters.map((filter) => copyComponent(filter, `${what} filter`)) };
}

interface CommonConfig {
  readonly components: ComponentConfig[];
  readonly task_data_filters: FilterBindingConfig[];
  readonly task_result_filters: FilterBindingConfig[];
}

/** Collects what both app sides have: components and the two filter chains. */
abstract class AppSideBuilder {
  readonly #components: ComponentConfig[] = [];
  readonly #taskDataFilters: FilterBindingConfig[] = [];
  readonly #taskResultFilters: FilterBindingConfig[] = [];

  /** Adds a component (aggregator, persistor, ...) that others refer to by id. */
  addComponent(component: ComponentConfig): this {
    requireText(component.id, 'component id');
    this.#components.push(copyComponent(component, 'component'));
    return this;
  }

  /** Adds filters applied to task data (on the client: as it arrives; on the server: as it leaves). */
  addTaskDataFilter(binding: FilterBindingInput): this {
    this.#taskDataFilters.push(filterBinding(binding, 'task data filter'));
    return this;
  }

  /** Adds filters applied to task results (on the client: as they leave; on the server: as they arrive). */
  addTaskResultFilter(binding: FilterBindingInput): this {
    this.#taskResultFilters.push(filterBinding(binding, 'task result filter'));
    return this;
  }

  /** Copies of the parts both sides write. */
  protected commonConfig(): CommonConfig {
    return {
      components: structuredClone(this.#components),
      task_data_filters: structuredClone(this.#taskDataFilters),
      task_result_filters: structuredClone(this.#taskResultFilters),
    };
  }
}

/** Builds `config_fed_server.json`: components, workflows and filter chains. */
export class ServerAppBuilder extends AppSideBuilder {
  readonly #workflows: ComponentConfig[] = [];

  /** Adds a workflow; workflows run one after another in the order they are added. */
  addWorkflow(workflow: ComponentConfig): this {
    requireText(workflow.id, 'workflow id');
    this.#workflows.push(copyComponent(workflow, 'workflow'));
    return this;
  }

  /** The config as it is written to the file. */
  toConfig(): ServerAppConfig {
    const common = this.commonConfig();
    return {
      format_version: FORMAT_VERSION,
      components: common.components,
      workflows: structuredClone(this.#workflows),
      task_data_filters: common.task_data_filters,
      task_result_filters: common.task_result_filters,
    };
  }
}

/** Builds `config_fed_client.json`: executors by task, components and filter chains. */
export class ClientAppBuilder extends AppSideBuilder {
  readonly #executors: ExecutorBindingConfig[] = [];

  /** Adds an executor for the given task names. */
  addExecutor(binding: ExecutorBindingInput): this {
    if (binding.tasks.length === 0) throw new HearthError(JobErrorCode.JOB_BUILDER_INVALID, 'an executor needs at least one task');
    binding.tasks.forEach((task) => requireText(task, 'executor task name'));
    if (binding.executor.id !== undefined) requireText(binding.executor.id, 'executor id');
    this.#executors.push({ tasks: [...binding.tasks], executor: copyComponent(binding.executor, 'executor') });
    return this;
  }

  /** The config as it is written to the file. */
  toConfig(): ClientAppConfig {
    const common = this.commonConfig();
    return {
      format_version: FORMAT_VERSION,
      executors: structuredClone(this.#executors),
      task_data_filters: common.task_data_filters,
      task_result_filters: common.task_result_filters,
      components: common.components,
    };
  }
}
