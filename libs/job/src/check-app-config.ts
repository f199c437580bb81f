import { isHearthError } from '@hearth/core';
import { Value } from 'typebox/value';
import { ALL_TASKS, ClientAppConfigSchema, ServerAppConfigSchema } from './app-config-schema.js';
import { appEntries, executorBindings, FILTER_CHAIN_KEYS, filterBindings } from './app-entries.js';
import type { AppEntry } from './app-entries.js';
import type { ComponentDefinition } from './component-definition.js';
import { componentReferences } from './component-references.js';
import { checkCustomTypeWithoutLoading, isCustomType } from './custom-component.js';
import type { ComponentRegistry } from './component-registry.js';
import { childPath } from './json-path.js';
import type { AppSide } from './job-layout.js';
import type { JobProblem } from './job-problem.js';
import { schemaProblems } from './schema-problems.js';

/** Inputs of {@link checkAppConfig}. */
export interface CheckAppConfigOptions {
  /** The parsed config file. */
  readonly value: unknown;
  readonly side: AppSide;
  /** The config file relative to the job folder, for problem reports. */
  readonly file: string;
  readonly registry: ComponentRegistry;
  readonly jobDir: string;
  /** @default true */
  readonly allowCustomCode?: boolean;
  /** @default true */
  readonly loadCustomCode?: boolean;
}

/** What checking one app config found. */
export interface AppConfigReport {
  readonly problems: JobProblem[];
  /** Resolved definition of every entry whose type resolved, keyed by entry path. */
  readonly definitions: ReadonlyMap<string, ComponentDefinition<unknown>>;
  /** Each entry's args with schema defaults filled in, keyed by entry path. */
  readonly args: ReadonlyMap<string, Record<string, unknown>>;
  readonly entries: readonly AppEntry[];
}

interface Context {
  readonly file: string;
  readonly problems: JobProblem[];
}

function report(ctx: Context, path: string, message: string): void {
  ctx.problems.push({ file: ctx.file, path, message });
}

function checkDuplicateIds(ctx: Context, entries: readonly AppEntry[]): void {
  const first = new Map<string, string>();
  for (const entry of entries) {
    if (entry.id === undefined) continue;
    const earlier = first.get(entry.id);
    if (earlier === undefined) first.set(entry.id, entry.path);
    else report(ctx, `${entry.path}.id`, `duplicate component id "${entry.id}" (first used at ${earlier})`);
  }
}

/** Marks a custom type that was checked without loading it, so it has no definition. */
const UNLOADED = 'unloaded' as const;

async function resolveType(
  type: string,
  options: CheckAppConfigOptions,
): Promise<ComponentDefinition<unknown> | typeof UNLOADED> {
  if (options.loadCustomCode === false && options.allowCustomCode !== false && isCustomType(type)) {
    await checkCustomTypeWithoutLoading({ type, jobDir: options.jobDir });
    return UNLOADED;
  }
  return options.registry.resolve(type, options);
}

async function resolveTypes(
  ctx: Context,
  options: CheckAppConfigOptions & { readonly entries: readonly AppEntry[] },
): Promise<Map<string, ComponentDefinition<unknown>>> {
  const byType = new Map<string, ComponentDefinition<unknown> | typeof UNLOADED | { readonly problem: string }>();
  const definitions = new Map<string, ComponentDefinition<unknown>>();
  for (const entry of options.entries) {
    if (!byType.has(entry.type)) {
      try {
        byType.set(entry.type, await resolveType(entry.type, options));
      } catch (thrown) {
        if (!isHearthError(thrown)) throw thrown;
        byType.set(entry.type, { problem: thrown.message });
      }
    }
    const resolved = byType.get(entry.type);
    if (resolved === undefined || resolved === UNLOADED) continue;
    if ('problem' in resolved) report(ctx, `${entry.path}.type`, resolved.problem);
    else definitions.set(entry.path, resolved);
  }
  return definitions;
}

function checkArgs(
  ctx: Context,
  options: { readonly entries: readonly AppEntry[]; readonly definitions: ReadonlyMap<string, ComponentDefinition<unknown>> },
): Map<string, Record<string, unknown>> {
  const filled = new Map<string, Record<string, unknown>>();
  for (const entry of options.entries) {
    const schema = options.definitions.get(entry.path)?.argsSchema;
    const args = structuredClone(entry.args) as Record<string, unknown>;
    if (schema === undefined) {
      filled.set(entry.path, args);
      continue;
    }
    let withDefaults: unknown = args;
    try {
      withDefaults = Value.Default(schema, args);
    } catch {
      withDefaults = args;
    }
    const problems = schemaProblems({ schema, value: withDefaults, file: ctx.file, path: `${entry.path}.args` });
    ctx.problems.push(...problems);
    if (problems.length === 0) filled.set(entry.path, withDefaults as Record<string, unknown>);
  }
  return filled;
}

function checkReferences(
  ctx: Context,
  options: { readonly entries: readonly AppEntry[]; readonly definitions: ReadonlyMap<string, ComponentDefinition<unknown>> },
): void {
  const ids = new Map<string, AppEntry>();
  for (const entry of options.entries) if (entry.id !== undefined && !ids.has(entry.id)) ids.set(entry.id, entry);
  const edges = new Map<string, string[]>();
  for (const entry of options.entries) {
    const refs = componentReferences({
      args: entry.args,
      declared: options.definitions.get(entry.path)?.references,
      argsPath: `${entry.path}.args`,
    });
    for (const ref of refs) {
      if (!ids.has(ref.id)) report(ctx, ref.path, `refers to component "${ref.id}", which this app does not define`);
      else if (entry.id !== undefined) edges.set(entry.id, [...(edges.get(entry.id) ?? []), ref.id]);
    }
  }
  const done = new Set<string>();
  const visit = (id: string, trail: string[]): void => {
    const at = trail.indexOf(id);
    if (at >= 0) {
      const cycle = [...trail.slice(at), id];
      const start = ids.get(id);
      if (start !== undefined) report(ctx, `${start.path}.id`, `components refer to each other in a cycle: ${cycle.join(' -> ')}`);
      return;
    }
    if (done.has(id)) return;
    for (const next of edges.get(id) ?? []) visit(next, [...trail, id]);
    done.add(id);
  };
  for (const id of edges.keys()) visit(id, []);
}

function checkExecutorTasks(ctx: Context, value: unknown): void {
  const claimed = new Map<string, string>();
  for (const { path, binding } of executorBindings(value)) {
    binding.tasks.forEach((task, index) => {
      const taskPath = childPath(`${path}.tasks`, index);
      if (task === ALL_TASKS && binding.tasks.length > 1) {
        report(ctx, taskPath, `"${ALL_TASKS}" (every task not claimed by another executor) must be an executor's only task`);
        return;
      }
      const owner = claimed.get(task);
      if (owner === undefined) claimed.set(task, path);
      else report(ctx, taskPath, `task "${task}" is already claimed by the executor at ${owner}`);
    });
  }
}

function checkFilterTasks(ctx: Context, value: unknown): void {
  for (const key of FILTER_CHAIN_KEYS) {
    for (const { path, binding } of filterBindings(value, key)) {
      if (binding.tasks.length > 1 && binding.tasks.includes(ALL_TASKS)) {
        report(ctx, `${path}.tasks`, `"${ALL_TASKS}" already means every task; it cannot be combined with task names`);
      }
    }
  }
}

/**
 * Checks one app config beyond its schema: unknown or unloadable types, args that fail their type's schema,
 * duplicate ids, references to ids the app does not define and reference cycles, executors claiming the
 * same task twice, and misuse of `"*"` in task lists.
 */
export async function checkAppConfig(options: CheckAppConfigOptions): Promise<AppConfigReport> {
  const ctx: Context = { file: options.file, problems: [] };
  const schema = options.side === 'server' ? ServerAppConfigSchema : ClientAppConfigSchema;
  ctx.problems.push(...schemaProblems({ schema, value: options.value, file: options.file }));
  const entries = appEntries(options.value, options.side);
  checkDuplicateIds(ctx, entries);
  const definitions = await resolveTypes(ctx, { ...options, entries });
  const args = checkArgs(ctx, { entries, definitions });
  checkReferences(ctx, { entries, definitions });
  if (options.side === 'client') checkExecutorTasks(ctx, options.value);
  checkFilterTasks(ctx, options.value);
  return { problems: ctx.problems, definitions, args, entries };
}
