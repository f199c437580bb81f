import type { EngineSpec } from './engine-spec.js';
import type { JsonObject, JsonValue } from './json.js';

/** How a property behaves. */
export interface PropOptions {
  /** Private props stay on this site; public ones travel to the peer as peer context. @default true */
  readonly private?: boolean;
  /** Sticky props are copied into every later context of the same run. @default false */
  readonly sticky?: boolean;
}

interface Prop {
  readonly value: unknown;
  readonly private: boolean;
  readonly sticky: boolean;
}

/** Identity and job a context belongs to. */
export interface FLContextInit {
  /** The site this context runs on (`server` for the server). */
  readonly siteName: string;
  /** The job being run. */
  readonly jobId: string;
  /** The engine that runs the job. */
  readonly engine: EngineSpec;
  /** Props to start with (usually the sticky props of the run). */
  readonly inherited?: ReadonlyMap<string, Prop>;
  /** Where sticky props are written through to, so later contexts see them. */
  readonly stickyStore?: Map<string, Prop>;
  /** Public props the peer sent with its message. */
  readonly peerProps?: JsonObject;
}

/**
 * A property bag handed to every component call. One context lives for one operation (a task, an event);
 * sticky props outlive it through the {@link FLContextManager} that made it.
 */
export class FLContext {
  readonly siteName: string;
  readonly jobId: string;
  readonly engine: EngineSpec;
  readonly peerProps: JsonObject;
  readonly #props: Map<string, Prop>;
  readonly #stickyStore: Map<string, Prop> | undefined;

  constructor(init: FLContextInit) {
    this.siteName = init.siteName;
    this.jobId = init.jobId;
    this.engine = init.engine;
    this.peerProps = init.peerProps ?? {};
    this.#props = new Map(init.inherited ?? []);
    this.#stickyStore = init.stickyStore;
  }

  /** Sets a prop; see {@link PropOptions} for private and sticky. */
  set(key: string, value: unknown, options: PropOptions = {}): void {
    const prop: Prop = { value, private: options.private ?? true, sticky: options.sticky ?? false };
    this.#props.set(key, prop);
    if (prop.sticky) this.#stickyStore?.set(key, prop);
  }

  /** A prop's value, or undefined. */
  get<T = unknown>(key: string): T | undefined {
    return this.#props.get(key)?.value as T | undefined;
  }

  /** True when the prop exists. */
  has(key: string): boolean {
    return this.#props.has(key);
  }

  /** The public props whose values are JSON, as sent to a peer. */
  publicProps(): JsonObject {
    const out: Record<string, JsonValue> = {};
    for (const [key, prop] of this.#props) {
      if (!prop.private) out[key] = prop.value as JsonValue;
    }
    return out;
  }
}

/** Makes contexts for one site and job, carrying sticky props from one context to the next. */
export class FLContextManager {
  readonly #sticky = new Map<string, Prop>();
  readonly #base: Omit<FLContextInit, 'inherited' | 'stickyStore' | 'peerProps'>;

  constructor(base: Omit<FLContextInit, 'inherited' | 'stickyStore' | 'peerProps'>) {
    this.#base = base;
  }

  /** A new context holding the run's sticky props. */
  newContext(peerProps?: JsonObject): FLContext {
    return new FLContext({ ...this.#base, inherited: this.#sticky, stickyStore: this.#sticky, peerProps });
  }
}
