import type { Logger } from '@hearth/core';
import { createLogger, silentLogger, toError } from '@hearth/core';
import { Trainer } from '@hearth/onnx-train';
import type { SessionFactory } from '@hearth/onnx-train';
import { createOrtSessionRunner } from '@hearth/ort-runtime';
import type { ExecutionProviderName } from '@hearth/ort-runtime';
import type { TrainingPrograms } from './training-programs.js';

/** How sessions run: the providers to try and ORT's thread count. */
export interface SessionSettings {
  /** Execution providers in order of preference; ort-runtime logs each fallback. */
  readonly executionProviders: readonly ExecutionProviderName[];
  /** ORT intra-op threads per session; 1 keeps results bit-reproducible on the CPU. */
  readonly intraOpThreads: number;
}

/** What {@link TrainerPool.acquire} needs. */
export interface AcquireTrainerOptions {
  readonly programs: TrainingPrograms;
  readonly sessions: SessionSettings;
  /**
   * Whether the trainer may serve later tasks. Programs with Dropout carry random state from run to run
   * inside their sessions, so reusing one across sites would make results depend on scheduling; those get
   * fresh sessions that are closed on release. @default true
   */
  readonly reusable?: boolean;
  /** Where session fallbacks are logged. @default silentLogger() */
  readonly logger?: Logger;
}

/** A trainer on loan; give it back with `release()` when the task is done, even when it failed. */
export interface TrainerLease {
  readonly trainer: Trainer;
  /** Returns the trainer to the pool (or closes it); idempotent. */
  release(): Promise<void>;
}

/** Counters of a pool, for tests and benchmarks. */
export interface TrainerPoolStats {
  /** Trainers (each a training and an evaluation session) created so far. */
  readonly created: number;
  /** Trainers open now, leased or idle. */
  readonly open: number;
  readonly idle: number;
  readonly leased: number;
  /** Most trainers leased at once since the last close. */
  readonly peakLeased: number;
}

/** Options of {@link TrainerPool}. */
export interface TrainerPoolOptions {
  /** Close every trainer when the process has nothing else to do (Node's `beforeExit`). @default false */
  readonly closeBeforeExit?: boolean;
  /** Where failures to close a session are logged. @default silentLogger() */
  readonly logger?: Logger;
  /** Opens sessions; tests may count or wrap them. @default ort-runtime's worker-thread sessions */
  readonly createSession?: (settings: SessionSettings & { readonly logger: Logger }) => SessionFactory;
}

interface Idle {
  readonly key: string;
  readonly trainer: Trainer;
}

function ortSessions(settings: SessionSettings & { readonly logger: Logger }): SessionFactory {
  return (model) =>
    createOrtSessionRunner(model, {
      executionProviders: settings.executionProviders,
      intraOpNumThreads: settings.intraOpThreads,
      logger: settings.logger,
    });
}

/**
 * Keeps ORT sessions across tasks. The simulator rebuilds a client's app on every swap-in, and opening a
 * session (a worker thread plus ORT's graph optimization) costs far more than a small training task, so
 * executors lease trainers from a pool keyed by program and session settings instead of opening their own.
 * The pool never holds more trainers than were ever leased at once (the number of clients training
 * concurrently): a released trainer waits idle for the next task, and the oldest idle one is closed when a
 * trainer of another configuration is needed. `close()` releases every session.
 */
export class TrainerPool {
  readonly #options: TrainerPoolOptions;
  readonly #idle: Idle[] = [];
  readonly #closing = new Set<Promise<void>>();
  #leased = 0;
  #peak = 0;
  #created = 0;
  #generation = 0;
  #exitHook: (() => void) | undefined;

  constructor(options: TrainerPoolOptions = {}) {
    this.#options = options;
  }

  /** Counters so far. */
  get stats(): TrainerPoolStats {
    return { created: this.#created, open: this.#leased + this.#idle.length, idle: this.#idle.length, leased: this.#leased, peakLeased: this.#peak };
  }

  /** Leases a trainer for `programs` with `sessions`: an idle one of the same configuration, else a new one. */
  async acquire(options: AcquireTrainerOptions): Promise<TrainerLease> {
    const key = JSON.stringify([options.programs.key, options.sessions.executionProviders, options.sessions.intraOpThreads]);
    const reusable = options.reusable ?? true;
    const generation = this.#generation;
    this.#leased += 1;
    this.#peak = Math.max(this.#peak, this.#leased);
    let trainer: Trainer;
    try {
      trainer = (reusable ? this.#takeIdle(key) : undefined) ?? (await this.#create(options));
    } catch (err) {
      this.#leased -= 1;
      this.#updateExitHook();
      throw err;
    }
    this.#evictOverPeak();
    this.#updateExitHook();
    let released = false;
    return {
      trainer,
      release: async () => {
        if (released) return;
        released = true;
        this.#leased -= 1;
        if (reusable && generation === this.#generation) {
          this.#idle.push({ key, trainer });
          this.#evictOverPeak();
        } else {
          await this.#closeTrainer(trainer);
        }
        this.#updateExitHook();
      },
    };
  }

  /**
   * Closes every idle trainer now and every leased one when it comes back, and waits for the closes in
   * flight. The pool stays usable: a later `acquire` opens new sessions. Idempotent.
   */
  async close(): Promise<void> {
    this.#generation += 1;
    this.#peak = this.#leased;
    for (const idle of this.#idle.splice(0)) void this.#closeTrainer(idle.trainer);
    while (this.#closing.size > 0) await Promise.all([...this.#closing]);
    this.#updateExitHook();
  }

  #takeIdle(key: string): Trainer | undefined {
    for (let i = this.#idle.length - 1; i >= 0; i--) {
      const idle = this.#idle[i] as Idle;
      if (idle.key !== key) continue;
      this.#idle.splice(i, 1);
      return idle.trainer;
    }
    return undefined;
  }

  async #create(options: AcquireTrainerOptions): Promise<Trainer> {
    const logger = options.logger ?? silentLogger();
    const factory = (this.#options.createSession ?? ortSessions)({ ...options.sessions, logger });
    const trainer = await Trainer.create({
      train: options.programs.train,
      evaluate: options.programs.evaluate,
      createSession: factory,
      stepsPerRun: options.programs.stepsPerRun,
    });
    this.#created += 1;
    return trainer;
  }

  #evictOverPeak(): void {
    while (this.#idle.length > 0 && this.#leased + this.#idle.length > this.#peak) {
      const oldest = this.#idle.shift() as Idle;
      void this.#closeTrainer(oldest.trainer);
    }
  }

  #closeTrainer(trainer: Trainer): Promise<void> {
    const closing = trainer.close().catch((err: unknown) => {
      (this.#options.logger ?? silentLogger()).error({ err: toError(err) }, 'closing a trainer failed');
    });
    this.#closing.add(closing);
    void closing.finally(() => {
      this.#closing.delete(closing);
      this.#updateExitHook();
    });
    return closing;
  }

  #updateExitHook(): void {
    if (this.#options.closeBeforeExit !== true) return;
    const open = this.#leased + this.#idle.length + this.#closing.size > 0;
    if (open && this.#exitHook === undefined) {
      this.#exitHook = () => void this.close();
      process.on('beforeExit', this.#exitHook);
    } else if (!open && this.#exitHook !== undefined) {
      process.off('beforeExit', this.#exitHook);
      this.#exitHook = undefined;
    }
  }
}

let shared: TrainerPool | undefined;

/**
 * The process-wide pool every {@link OnnxTrainer} leases from, so the clients of a simulation share sessions.
 * Its sessions close when the process runs out of work (`beforeExit`), or earlier with
 * {@link closeSharedTrainerPool}, which a runner should call when a job ends.
 */
export function sharedTrainerPool(): TrainerPool {
  shared ??= new TrainerPool({ closeBeforeExit: true, logger: createLogger({ name: 'trainer-pool' }) });
  return shared;
}

/**
 * Closes every session of the shared pool (see {@link TrainerPool.close}) and forgets it, so the next
 * {@link sharedTrainerPool} call starts a fresh one; safe to call at any time.
 */
export function closeSharedTrainerPool(): Promise<void> {
  const pool = shared;
  shared = undefined;
  return pool?.close() ?? Promise.resolve();
}
