import { HearthError } from '@hearth/core';
import type { ComponentDefinition } from './component-definition.js';
import { isCustomType, loadCustomComponent } from './custom-component.js';
import { JobErrorCode } from './errors.js';

/** Options for {@link ComponentRegistry.resolve}. */
export interface ResolveComponentOptions {
  /** The job folder; relative custom-code specifiers resolve from here. */
  readonly jobDir: string;
  /**
   * Whether `module#Export` types may load custom code. Daemons pass false unless the site's policy allows
   * custom code and the job's signature checked out; the simulator allows it. @default true
   */
  readonly allowCustomCode?: boolean;
}

/**
 * The component types a job may name. Built-in types are registered by name; a type written
 * `module-specifier#ExportName` is custom code, loaded on demand. One registry serves every job of a
 * process; it holds no per-job state.
 */
export class ComponentRegistry {
  readonly #types = new Map<string, ComponentDefinition<unknown>>();

  /** Adds a type; throws `HEARTH_ERR_COMPONENT_TYPE_INVALID` when the name is taken, empty or contains `#`. */
  register<A>(definition: ComponentDefinition<A>): this {
    const { type } = definition;
    if (typeof type !== 'string' || type === '' || isCustomType(type)) {
      throw new HearthError(JobErrorCode.COMPONENT_TYPE_INVALID, `component type name ${JSON.stringify(type)} is empty or contains "#"`, {
        context: { type },
      });
    }
    if (this.#types.has(type)) {
      throw new HearthError(JobErrorCode.COMPONENT_TYPE_INVALID, `component type "${type}" is already registered`, { context: { type } });
    }
    this.#types.set(type, definition as ComponentDefinition<unknown>);
    return this;
  }

  /** The registered definition of `type`, or undefined (custom types are not looked up here). */
  get(type: string): ComponentDefinition<unknown> | undefined {
    return this.#types.get(type);
  }

  /** True when `type` is registered. */
  has(type: string): boolean {
    return this.#types.has(type);
  }

  /** Every registered type name, sorted. */
  types(): string[] {
    return [...this.#types.keys()].sort();
  }

  /**
   * The definition for a config `type`: a registered one, or one made from custom code. Throws
   * `HEARTH_ERR_COMPONENT_TYPE_UNKNOWN`, `HEARTH_ERR_CUSTOM_CODE_INVALID` or
   * `HEARTH_ERR_CUSTOM_CODE_NOT_ALLOWED` with a message fit for a person.
   */
  async resolve(type: string, options: ResolveComponentOptions): Promise<ComponentDefinition<unknown>> {
    const registered = this.#types.get(type);
    if (registered !== undefined) return registered;
    if (!isCustomType(type)) {
      const known = this.types();
      const hint = known.length === 0 ? 'no types are registered' : `registered types: ${known.join(', ')}`;
      throw new HearthError(JobErrorCode.COMPONENT_TYPE_UNKNOWN, `unknown component type "${type}" (${hint})`, { context: { type } });
    }
    if (options.allowCustomCode === false) {
      throw new HearthError(JobErrorCode.CUSTOM_CODE_NOT_ALLOWED, `custom component type "${type}" is not allowed here`, {
        context: { type },
      });
    }
    return loadCustomComponent({ type, jobDir: options.jobDir });
  }
}
