import { join } from 'node:path';
import { silentLogger } from '@hearth/core';
import type { Logger } from '@hearth/core';
import type { Clock } from '@hearth/workflow';
import type { ClientApp } from './client-app.js';
import type { EngineEvent, EngineEventListener } from './engine-event.js';
import { EngineErrorCode, engineError } from './errors.js';
import { ClientPool } from './internal/client-pool.js';
import type { ClientPoolStats } from './internal/client-pool.js';
import type { RunOutcome } from './run-outcome.js';
import { ServerEngine } from './server-engine.js';
import type { ServerApp } from './server-app.js';
import { isShareableCodec } from './shareable-codec.js';
import type { ShareableCodec } from './shareable-codec.js';

/** Options for {@link Simulator}. */
export interface SimulatorOptions {
  /** Site names of the simulated clients, unique. */
  readonly clients: readonly string[];
  /** Most clients executing at once. @default 1 */
  readonly threads?: number;
  /** What the server runs. */
  readonly serverApp: ServerApp;
  /** Builds a client's app each time the client is swapped in. */
  readonly clientAppFactory: (site: string) => ClientApp | Promise<ClientApp>;
  /** Every task and result passes through it (encode, then decode). */
  readonly codec: ShareableCodec;
  /** Root of the simulation workspace: the server gets `<dir>/server`, each client `<dir>/<site>`. */
  readonly workspaceDir: string;
  /** @default silentLogger() */
  readonly logger?: Logger;
  /** Aborting it aborts the job. @default none */
  readonly signal?: AbortSignal;
  /** Job id the engines report. @default 'simulate' */
  readonly jobId?: string;
  /** Time source for task timeouts. @default systemClock */
  readonly clock?: Clock;
}

/** How a simulation ended, with the counters a benchmark wants. */
export type SimulationResult = RunOutcome & ClientPoolStats;

function checkOptions(options: SimulatorOptions): number {
  const { clients } = options;
  if (!Array.isArray(clients) || clients.length === 0) {
    throw engineError(EngineErrorCode.INVALID_OPTIONS, 'simulator: clients must list at least one site name');
  }
  const seen = new Set<string>();
  for (const site of clients) {
    if (typeof site !== 'string' || site.length === 0) {
      throw engineError(EngineErrorCode.INVALID_OPTIONS, `simulator: client names must be non-empty strings, got ${JSON.stringify(site)}`);
    }
    if (seen.has(site)) throw engineError(EngineErrorCode.INVALID_OPTIONS, `simulator: client ${site} is listed twice`, { site });
    seen.add(site);
  }
  const threads = options.threads ?? 1;
  if (!Number.isSafeInteger(threads) || threads < 1) {
    throw engineError(EngineErrorCode.INVALID_OPTIONS, `simulator: threads must be an integer >= 1, got ${JSON.stringify(threads)}`, { threads });
  }
  if (typeof options.clientAppFactory !== 'function') throw engineError(EngineErrorCode.INVALID_OPTIONS, 'simulator: clientAppFactory must be a function');
  if (!isShareableCodec(options.codec)) throw engineError(EngineErrorCode.INVALID_OPTIONS, 'simulator: codec needs encode() and decode()');
  if (typeof options.workspaceDir !== 'string' || options.workspaceDir.length === 0) {
    throw engineError(EngineErrorCode.INVALID_OPTIONS, 'simulator: workspaceDir must be a path');
  }
  return threads;
}

/**
 * Runs a whole job in one process: the server engine and any number of virtual clients, at most `threads`
 * of them executing at once. Clients exist only while they have work (see the swap-in/swap-out contract of
 * the pool), so memory grows with active clients, not total clients, and per-task orchestration is a few
 * map operations plus the codec round trips. `hearth simulate` and its benchmark run on it.
 */
export class Simulator {
  readonly #options: SimulatorOptions;
  readonly #threads: number;
  readonly #listeners = new Set<EngineEventListener>();
  #server: ServerEngine | undefined;

  constructor(options: SimulatorOptions) {
    this.#threads = checkOptions(options);
    this.#options = options;
  }

  /** Observes every event of the server and the clients (site, type, ctx); returns the unsubscribe function. */
  subscribe(listener: EngineEventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Aborts a running simulation (same as aborting `signal`). */
  abort(reason = 'aborted'): void {
    this.#server?.abort(reason);
  }

  /** Runs the job to its end and returns how it ended; rejects only when called twice. */
  async run(): Promise<SimulationResult> {
    if (this.#server !== undefined) throw engineError(EngineErrorCode.ALREADY_RUN, 'simulator already ran; create a new one');
    const options = this.#options;
    const logger = options.logger ?? silentLogger();
    const jobId = options.jobId ?? 'simulate';
    const listener = (event: EngineEvent): void => {
      for (const l of this.#listeners) l(event);
    };
    const pool = new ClientPool({
      sites: options.clients,
      threads: this.#threads,
      codec: options.codec,
      clientAppFactory: options.clientAppFactory,
      jobId,
      workspaceDir: options.workspaceDir,
      logger,
      listener,
    });
    const server = new ServerEngine({
      app: options.serverApp,
      transport: pool,
      jobId,
      workspaceDir: join(options.workspaceDir, 'server'),
      logger: logger.child({ site: 'server' }),
      clock: options.clock,
    });
    this.#server = server;
    server.subscribe(listener);
    const onAbort = (): void => server.abort('simulation aborted by its signal');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      pool.joinAll();
      if (options.signal?.aborted === true) onAbort();
      const outcome = await server.run();
      await pool.close();
      return { ...outcome, ...pool.stats };
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
    }
  }
}
