import { ContextKey, EventType, FLComponent } from '@hearth/core';
import type { EventTypeValue, FLContext } from '@hearth/core';

/** Options for {@link RunProps}. */
export interface RunPropsOptions {
  /** The run's seed. */
  readonly seed: number;
  /** The job folder on this site. */
  readonly jobDir: string;
}

/**
 * Puts the run's seed and job folder into the context as sticky props at START_RUN, before any other
 * component sees the event, so executors and persistors read them with {@link ContextKey}.
 */
export class RunProps extends FLComponent {
  readonly #options: RunPropsOptions;

  constructor(options: RunPropsOptions) {
    super();
    this.id = '__hearth_run_props__';
    this.#options = options;
  }

  override handleEvent(type: EventTypeValue, ctx: FLContext): void {
    if (type !== EventType.START_RUN) return;
    ctx.set(ContextKey.SEED, this.#options.seed, { sticky: true, private: false });
    ctx.set(ContextKey.JOB_DIR, this.#options.jobDir, { sticky: true });
  }
}

/** `components` with `first` placed before every other entry. */
export function withFirstComponent<C>(first: FLComponent, components: ReadonlyMap<string, C>): Map<string, C | FLComponent> {
  return new Map<string, C | FLComponent>([[first.id, first], ...components]);
}
