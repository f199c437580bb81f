import type { FLComponent } from '@hearth/core';
import type { Controller } from '@hearth/workflow';
import type { FilterBinding } from './filter-binding.js';

/**
 * What the server side of a job runs, as plain component sets (the job lib builds them from
 * `config_fed_server.json`).
 */
export interface ServerApp {
  /** Every component by id, in configuration order (events fire in this order). */
  readonly components: ReadonlyMap<string, FLComponent>;
  /** Workflows, run one after another; their ids are component ids. */
  readonly workflows: readonly Controller[];
  /** Applied per client to task data before it goes out. */
  readonly taskDataFilters: readonly FilterBinding[];
  /** Applied to each result before the controller sees it. */
  readonly taskResultFilters: readonly FilterBinding[];
}
