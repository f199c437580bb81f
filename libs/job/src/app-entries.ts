import { Value } from 'typebox/value';
import {
  ComponentConfigSchema,
  ExecutorBindingConfigSchema,
  FilterBindingConfigSchema,
} from './app-config-schema.js';
import type { ComponentConfig, ExecutorBindingConfig, FilterBindingConfig } from './app-config-schema.js';
import { childPath } from './json-path.js';
import type { AppSide } from './job-layout.js';

/** Where in an app config a component sits, which decides what it must be. */
export type EntrySlot = 'component' | 'workflow' | 'executor' | 'filter';

/** One buildable entry of an app config (a component, workflow, executor or filter). */
export interface AppEntry {
  readonly slot: EntrySlot;
  /** JSONPath of the entry object, e.g. `$.executors[0].executor`. */
  readonly path: string;
  readonly id: string | undefined;
  readonly type: string;
  readonly args: Readonly<Record<string, unknown>>;
}

/** The filter-chain keys of an app config, in the order filters are built. */
export const FILTER_CHAIN_KEYS = ['task_data_filters', 'task_result_filters'] as const;

/** One of {@link FILTER_CHAIN_KEYS}. */
export type FilterChainKey = (typeof FILTER_CHAIN_KEYS)[number];

function arrayAt(value: unknown, key: string): unknown[] {
  if (typeof value !== 'object' || value === null) return [];
  const list = (value as Record<string, unknown>)[key];
  return Array.isArray(list) ? list : [];
}

function componentEntries(value: unknown, options: { readonly key: string; readonly slot: EntrySlot }): AppEntry[] {
  const entries: AppEntry[] = [];
  arrayAt(value, options.key).forEach((item, index) => {
    if (!Value.Check(ComponentConfigSchema, item)) return;
    const config: ComponentConfig = item;
    const path = childPath(childPath('$', options.key), index);
    entries.push({ slot: options.slot, path, id: config.id, type: config.type, args: config.args ?? {} });
  });
  return entries;
}

/** The executor bindings of a client config that are individually well-formed, with their JSONPaths. */
export function executorBindings(value: unknown): { readonly path: string; readonly binding: ExecutorBindingConfig }[] {
  const out: { path: string; binding: ExecutorBindingConfig }[] = [];
  arrayAt(value, 'executors').forEach((item, index) => {
    if (Value.Check(ExecutorBindingConfigSchema, item)) out.push({ path: childPath('$.executors', index), binding: item });
  });
  return out;
}

/** The filter bindings of one chain that are individually well-formed, with their JSONPaths. */
export function filterBindings(
  value: unknown,
  key: FilterChainKey,
): { readonly path: string; readonly binding: FilterBindingConfig }[] {
  const out: { path: string; binding: FilterBindingConfig }[] = [];
  arrayAt(value, key).forEach((item, index) => {
    if (Value.Check(FilterBindingConfigSchema, item)) out.push({ path: childPath(childPath('$', key), index), binding: item });
  });
  return out;
}

/**
 * Every buildable entry of an app config in build order: components, workflows (server) or executors
 * (client), then the filters of the data chain and of the result chain. Entries that are malformed on their
 * own are skipped here; the schema check reports them.
 */
export function appEntries(value: unknown, side: AppSide): AppEntry[] {
  const entries = componentEntries(value, { key: 'components', slot: 'component' });
  if (side === 'server') {
    entries.push(...componentEntries(value, { key: 'workflows', slot: 'workflow' }));
  } else {
    for (const { path, binding } of executorBindings(value)) {
      const { executor } = binding;
      entries.push({ slot: 'executor', path: `${path}.executor`, id: executor.id, type: executor.type, args: executor.args ?? {} });
    }
  }
  for (const key of FILTER_CHAIN_KEYS) {
    for (const { path, binding } of filterBindings(value, key)) {
      binding.filters.forEach((filter, index) => {
        const filterPath = childPath(`${path}.filters`, index);
        entries.push({ slot: 'filter', path: filterPath, id: undefined, type: filter.type, args: filter.args ?? {} });
      });
    }
  }
  return entries;
}
