import { FLContextManager, silentLogger } from '@hearth/core';
import type { EngineSpec, EventTypeValue, FLComponent, FLContext, Shareable } from '@hearth/core';
import { systemClock } from '../clock.js';
import type { Controller } from '../controller.js';
import type { ControllerHost, PushTaskRequest, RevokeTaskRequest } from '../controller-host.js';

/** Options for {@link FakeHost}. */
export interface FakeHostOptions {
  /** Clients connected from the start. */
  readonly clients?: readonly string[];
  /** Components reachable through ctx.engine.getComponent. */
  readonly components?: ReadonlyMap<string, FLComponent>;
  /** Answers pushed tasks on a later microtask; undefined leaves a task unanswered. */
  readonly reply?: (request: PushTaskRequest) => Shareable | undefined;
  /** The server workspace components write into. @default '/tmp/hearth-test' */
  readonly workspaceDir?: string;
}

/**
 * A minimal ControllerHost + EngineSpec for controller tests: records pushed and revoked tasks and fired
 * events, and lets the test join, kill and answer as clients would.
 */
export class FakeHost implements ControllerHost {
  readonly clock = systemClock;
  readonly logger = silentLogger();
  readonly pushed: PushTaskRequest[] = [];
  readonly revoked: RevokeTaskRequest[] = [];
  readonly events: EventTypeValue[] = [];
  readonly engine: EngineSpec;
  readonly #clients: Set<string>;
  readonly #components: ReadonlyMap<string, FLComponent>;
  readonly #contexts: FLContextManager;
  readonly #reply: FakeHostOptions['reply'];
  #controller: Controller | undefined;

  constructor(options: FakeHostOptions = {}) {
    this.#clients = new Set(options.clients ?? []);
    this.#components = options.components ?? new Map();
    this.#reply = options.reply;
    const components = this.#components;
    const events = this.events;
    const engine: EngineSpec = {
      siteName: 'server',
      jobId: 'job-1',
      logger: this.logger,
      workspaceDir: options.workspaceDir ?? '/tmp/hearth-test',
      getComponent: (id) => components.get(id),
      fireEvent: async (type, ctx) => {
        events.push(type);
        for (const component of components.values()) await component.handleEvent(type, ctx);
        if (this.#controller !== undefined) await this.#controller.handleEvent(type, ctx);
      },
      newContext: () => this.#contexts.newContext(),
    };
    this.engine = engine;
    this.#contexts = new FLContextManager({ siteName: 'server', jobId: 'job-1', engine });
  }

  /** Attaches `controller` to this host and returns it. */
  attach<C extends Controller>(controller: C): C {
    this.#controller = controller;
    controller.attachHost(this);
    return controller;
  }

  clients(): readonly string[] {
    return [...this.#clients];
  }

  isClientAvailable(client: string): boolean {
    return this.#clients.has(client);
  }

  pushTask(request: PushTaskRequest): void {
    this.pushed.push(request);
    const reply = this.#reply;
    if (reply === undefined) return;
    void Promise.resolve().then(() => {
      const result = reply(request);
      if (result !== undefined) this.answer(request, result);
    });
  }

  revokeTask(request: RevokeTaskRequest): void {
    this.revoked.push(request);
  }

  newContext(): FLContext {
    return this.#contexts.newContext();
  }

  /** Delivers `result` for `request` as its client would. */
  answer(request: PushTaskRequest, result: Shareable): void {
    this.#requireController().handleResult(request.client, request.taskId, result, this.newContext());
  }

  /** Connects `client` and tells the controller. */
  join(client: string): void {
    this.#clients.add(client);
    this.#requireController().handleClientJoined(client);
  }

  /** Marks `client` dead and tells the controller. */
  kill(client: string): void {
    this.#clients.delete(client);
    this.#requireController().handleClientDead(client);
  }

  /** Clients that got a task, in push order. */
  pushedTo(): string[] {
    return this.pushed.map((request) => request.client);
  }

  #requireController(): Controller {
    if (this.#controller === undefined) throw new Error('FakeHost: attach a controller first');
    return this.#controller;
  }
}

/** Lets pending promise callbacks run (replies are delivered on microtasks). */
export async function settle(rounds = 10): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
}
