import type { Executor, FLComponent } from '@hearth/core';
import type { FilterBinding } from './filter-binding.js';

/** An executor and the task names it performs (`'*'` in the list catches every task no other executor names). */
export interface ExecutorBinding {
  readonly tasks: readonly string[];
  readonly executor: Executor;
}

/**
 * What a client site runs for a job, as plain component sets (the job lib builds them from
 * `config_fed_client.json`).
 */
export interface ClientApp {
  /** Every component by id, in configuration order (events fire in this order). */
  readonly components: ReadonlyMap<string, FLComponent>;
  /** Executors by task name. */
  readonly executors: readonly ExecutorBinding[];
  /** Applied to incoming task data before the executor runs. */
  readonly taskDataFilters: readonly FilterBinding[];
  /** Applied to the executor's result before it is submitted. */
  readonly taskResultFilters: readonly FilterBinding[];
  /** Releases what the app holds (sessions, workers); called when its engine closes. @default none */
  readonly dispose?: () => void | Promise<void>;
}
