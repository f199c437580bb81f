import type { FLComponent } from '@hearth/core';
import type { Static, TSchema } from 'typebox';

/**
 * Lets a factory reach the other components of the same app by id. A component that comes later in the
 * config is built on demand, so a workflow may name an aggregator declared after it.
 */
export interface ComponentRefs {
  /** The component with this id; throws `HEARTH_ERR_COMPONENT_REF_UNKNOWN` or `HEARTH_ERR_COMPONENT_REF_CYCLE`. */
  get(id: string): FLComponent;
}

/**
 * How to build one component type from its config args. The lead registers the built-in types (workflows,
 * aggregators, filters, executors) in a {@link ComponentRegistry}; custom code gets an equivalent definition
 * from its class.
 */
export interface ComponentDefinition<A = Record<string, unknown>> {
  /** The name configs use in `type`, e.g. `ScatterAndGather`. Must not contain `#`. */
  readonly type: string;
  /**
   * Schema of the args. Validation reports every arg that fails it with its JSONPath; defaults in the schema
   * are filled in before `create` runs. @default no check: args are passed as written
   */
  readonly argsSchema?: TSchema;
  /**
   * Names of args that hold component ids (a string or a list of strings), besides those whose name ends
   * in `_id` or `_ids`, which are always treated as references. @default []
   */
  readonly references?: readonly string[];
  /** Builds the component. It runs once per app build; throwing fails the build with the config path. */
  create(args: A, refs: ComponentRefs): FLComponent;
}

/** A definition whose args type is derived from its TypeBox schema. */
export interface TypedComponentDefinition<S extends TSchema> extends ComponentDefinition<Static<S>> {
  readonly argsSchema: S;
}

/**
 * Identity helper that types `create`'s args from `argsSchema`:
 * `defineComponent({ type: 'X', argsSchema: Type.Object({ n: Type.Integer() }), create: (args) => new X(args.n) })`.
 */
export function defineComponent<S extends TSchema>(definition: TypedComponentDefinition<S>): ComponentDefinition<Static<S>> {
  return definition;
}
