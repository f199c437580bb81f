import { Type } from 'typebox';
import type { Static } from 'typebox';

/** The only config `format_version` Hearth reads (the same number NVFlare 2.x writes). */
export const FORMAT_VERSION = 2;

/** Task list entry that binds filters to every task. */
export const ALL_TASKS = '*';

const ComponentIdSchema = Type.String({ minLength: 1, description: 'id other components refer to' });
const ComponentTypeSchema = Type.String({
  minLength: 1,
  description: 'registered type name, or custom code written module-specifier#ExportName',
});
const ArgsSchema = Type.Record(Type.String(), Type.Unknown(), { description: 'arguments checked by the type' });
const TaskListSchema = Type.Array(Type.String({ minLength: 1 }), { minItems: 1 });

/** A component of an app: id, type and args. Workflows use the same shape. */
export const ComponentConfigSchema = Type.Object(
  { id: ComponentIdSchema, type: ComponentTypeSchema, args: Type.Optional(ArgsSchema) },
  { additionalProperties: false },
);

/** One `components` or `workflows` entry. */
export type ComponentConfig = Static<typeof ComponentConfigSchema>;

/** A filter in a filter chain: type and args (no id). */
export const FilterConfigSchema = Type.Object(
  { type: ComponentTypeSchema, args: Type.Optional(ArgsSchema) },
  { additionalProperties: false },
);

/** One filter of a chain. */
export type FilterConfig = Static<typeof FilterConfigSchema>;

/** Filters applied, in order, to the named tasks (`["*"]` for all tasks). */
export const FilterBindingConfigSchema = Type.Object(
  { tasks: TaskListSchema, filters: Type.Array(FilterConfigSchema) },
  { additionalProperties: false },
);

/** One `task_data_filters` or `task_result_filters` entry. */
export type FilterBindingConfig = Static<typeof FilterBindingConfigSchema>;

/** The executor of an executor binding; the id is optional. */
export const ExecutorConfigSchema = Type.Object(
  { id: Type.Optional(ComponentIdSchema), type: ComponentTypeSchema, args: Type.Optional(ArgsSchema) },
  { additionalProperties: false },
);

/** The `executor` of an `executors` entry. */
export type ExecutorConfig = Static<typeof ExecutorConfigSchema>;

/** An executor and the task names it performs. */
export const ExecutorBindingConfigSchema = Type.Object(
  { tasks: TaskListSchema, executor: ExecutorConfigSchema },
  { additionalProperties: false },
);

/** One `executors` entry. */
export type ExecutorBindingConfig = Static<typeof ExecutorBindingConfigSchema>;

/** `config/config_fed_server.json`: components, workflows (run in order) and the server's filter chains. */
export const ServerAppConfigSchema = Type.Object(
  {
    format_version: Type.Literal(FORMAT_VERSION),
    components: Type.Optional(Type.Array(ComponentConfigSchema)),
    workflows: Type.Array(ComponentConfigSchema, { minItems: 1 }),
    task_data_filters: Type.Optional(Type.Array(FilterBindingConfigSchema)),
    task_result_filters: Type.Optional(Type.Array(FilterBindingConfigSchema)),
  },
  { additionalProperties: false },
);

/** The contents of a valid server config. */
export type ServerAppConfig = Static<typeof ServerAppConfigSchema>;

/** `config/config_fed_client.json`: executors by task, the client's filter chains and components. */
export const ClientAppConfigSchema = Type.Object(
  {
    format_version: Type.Literal(FORMAT_VERSION),
    executors: Type.Array(ExecutorBindingConfigSchema),
    task_data_filters: Type.Optional(Type.Array(FilterBindingConfigSchema)),
    task_result_filters: Type.Optional(Type.Array(FilterBindingConfigSchema)),
    components: Type.Optional(Type.Array(ComponentConfigSchema)),
  },
  { additionalProperties: false },
);

/** The contents of a valid client config. */
export type ClientAppConfig = Static<typeof ClientAppConfigSchema>;
