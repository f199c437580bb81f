import { DataKind, Dxo, EventType, HeaderKey, MetaKey, ReturnCode, Shareable, TaskCompletionStatus, toError } from '@hearth/core';
import type { Aggregator, FLContext, HearthError, JsonObject, ModelPersistor, ParamMap } from '@hearth/core';
import type { ModelUpdater } from '@hearth/algorithms';
import { applyModelUpdate } from './apply-model-update.js';
import { WorkflowContextKey } from './context-keys.js';
import { Controller } from './controller.js';
import type { ControllerClientTask } from './controller-task.js';
import { createTask } from './create-task.js';
import { WorkflowErrorCode, workflowError } from './errors.js';
import { InMemorySnapshotStore } from './in-memory-snapshot-store.js';
import { boolArg, durationArg, intArg, nameArg, oneOfArg, optionalNameArg } from './internal/check-args.js';
import { isAggregator, isModelPersistor, isModelUpdater, requireComponent } from './internal/require-component.js';
import { RoundMetrics } from './internal/round-metrics.js';
import type { RoundSummary } from './round-summary.js';
import { isSnapshotStore } from './snapshot-store.js';
import type { SnapshotStore, WorkflowSnapshot } from './snapshot-store.js';

/** Which direction of `bestMetric` is better. */
export const BestMode = {
  /** Larger is better (accuracy, AUC). */
  MAX: 'max',
  /** Smaller is better (loss, error). */
  MIN: 'min',
} as const;

/** One of {@link BestMode}. */
export type BestModeValue = (typeof BestMode)[keyof typeof BestMode];

/** Arguments of {@link ScatterAndGather}, as a job's `config_fed_server.json` gives them. */
export interface ScatterAndGatherArgs {
  /** Results needed to close a round. @default 1 */
  readonly minClients?: number;
  /** Rounds to run. @default 5 */
  readonly numRounds?: number;
  /** Number of the first round. @default 0 */
  readonly startRound?: number;
  /** After `minClients` results arrived, how long to wait for more. @default 10000 */
  readonly waitTimeAfterMinReceivedMs?: number;
  /** Task name the clients' executors answer. @default 'train' */
  readonly trainTaskName?: string;
  /** A round's task times out after this many milliseconds; 0 never. @default 0 */
  readonly trainTimeoutMs?: number;
  /** Component id of the Aggregator. @default 'aggregator' */
  readonly aggregatorId?: string;
  /** Component id of the ModelPersistor. @default 'persistor' */
  readonly persistorId?: string;
  /** Save the global model (tag `last`) every this many rounds; 0 only at the end (tag `final`). @default 1 */
  readonly persistEveryNRounds?: number;
  /** Write a snapshot every this many rounds; 0 never. @default 1 */
  readonly snapshotEveryNRounds?: number;
  /** Component id of a SnapshotStore; undefined uses an in-memory store. @default undefined */
  readonly snapshotStoreId?: string;
  /**
   * Component id of a ModelUpdater (a ServerOptimizer for FedOpt) that turns the global model and the
   * aggregate into the next global model. Undefined replaces the model by a WEIGHTS aggregate and adds a
   * WEIGHT_DIFF one. @default undefined
   */
  readonly modelUpdaterId?: string;
  /**
   * A round metric (the clients' weighted `metrics`, as in the round summary) whose improvement saves the
   * model the clients evaluated that round under tag `best`. Undefined keeps no best model. @default undefined
   */
  readonly bestMetric?: string;
  /** Whether a larger or a smaller `bestMetric` is better. @default 'max' */
  readonly bestMode?: BestModeValue;
  /**
   * Skip a client result with an error return code and go on with the others (NVFlare's
   * `ignore_result_error`). False fails the job on the first such result, naming the site and its error.
   * @default false
   */
  readonly ignoreResultError?: boolean;
}

/** One client's result on its way to the aggregator. */
interface Contribution {
  readonly clientTask: ControllerClientTask;
  readonly result: Shareable;
  /** The result's context, where the contribution events put TRAINING_RESULT and AGGREGATION_ACCEPTED. */
  readonly ctx: FLContext;
  readonly aggregator: Aggregator;
}

/** {@link ScatterAndGatherArgs} with every default applied and every value checked. */
export type CompiledScatterAndGatherArgs = Required<Omit<ScatterAndGatherArgs, 'snapshotStoreId' | 'modelUpdaterId' | 'bestMetric'>> & {
  readonly snapshotStoreId: string | undefined;
  readonly modelUpdaterId: string | undefined;
  readonly bestMetric: string | undefined;
};

/**
 * Checks `args` and fills in the defaults; throws HEARTH_ERR_WORKFLOW_INVALID_ARGS naming the bad argument and
 * `workflow` (the class whose args these are, for the message). @default workflow 'ScatterAndGather'
 */
export function compileScatterAndGatherArgs(args: ScatterAndGatherArgs, workflow = 'ScatterAndGather'): CompiledScatterAndGatherArgs {
  return {
    minClients: intArg(args.minClients ?? 1, { workflow, name: 'minClients', min: 1 }),
    numRounds: intArg(args.numRounds ?? 5, { workflow, name: 'numRounds', min: 0 }),
    startRound: intArg(args.startRound ?? 0, { workflow, name: 'startRound', min: 0 }),
    waitTimeAfterMinReceivedMs: durationArg(args.waitTimeAfterMinReceivedMs ?? 10_000, { workflow, name: 'waitTimeAfterMinReceivedMs' }),
    trainTaskName: nameArg(args.trainTaskName ?? 'train', { workflow, name: 'trainTaskName' }),
    trainTimeoutMs: durationArg(args.trainTimeoutMs ?? 0, { workflow, name: 'trainTimeoutMs' }),
    aggregatorId: nameArg(args.aggregatorId ?? 'aggregator', { workflow, name: 'aggregatorId' }),
    persistorId: nameArg(args.persistorId ?? 'persistor', { workflow, name: 'persistorId' }),
    persistEveryNRounds: intArg(args.persistEveryNRounds ?? 1, { workflow, name: 'persistEveryNRounds', min: 0 }),
    snapshotEveryNRounds: intArg(args.snapshotEveryNRounds ?? 1, { workflow, name: 'snapshotEveryNRounds', min: 0 }),
    snapshotStoreId: optionalNameArg(args.snapshotStoreId, { workflow, name: 'snapshotStoreId' }),
    modelUpdaterId: optionalNameArg(args.modelUpdaterId, { workflow, name: 'modelUpdaterId' }),
    bestMetric: optionalNameArg(args.bestMetric, { workflow, name: 'bestMetric' }),
    bestMode: oneOfArg(args.bestMode ?? BestMode.MAX, { workflow, name: 'bestMode', allowed: [BestMode.MAX, BestMode.MIN] }),
    ignoreResultError: boolArg(args.ignoreResultError ?? false, { workflow, name: 'ignoreResultError' }),
  };
}

/** The round whose metric was best so far, and the value. */
export interface BestRound {
  readonly round: number;
  readonly metric: string;
  readonly value: number;
}

/** A client result opened by {@link ScatterAndGather.openContribution}. */
export interface OpenedContribution {
  /** What the aggregator and the round metrics see. */
  readonly forAggregator: Shareable;
  /** Runs once the aggregator accepted it (a variant folds its own parts in here). */
  commit(): void;
}

/** What {@link ScatterAndGather.nextModel} gets at the end of a round. */
export interface NextModelInput {
  /** The global model the round started from; not to be modified. */
  readonly global: ParamMap;
  /** The aggregate (WEIGHTS or WEIGHT_DIFF). */
  readonly aggregate: Dxo;
  readonly round: number;
  /** How many clients the round's task went to (N). */
  readonly sentTo: number;
  readonly ctx: FLContext;
}

/** Snapshot state key of the model updater's state. */
const UPDATER_STATE = 'model_updater';

interface Components {
  readonly aggregator: Aggregator;
  readonly persistor: ModelPersistor;
  readonly snapshots: SnapshotStore;
  readonly updater: ModelUpdater | undefined;
}

/**
 * Federated averaging's control flow (NVFlare's ScatterAndGather). Each round it broadcasts the global model
 * (a WEIGHTS DXO with current_round / num_rounds), streams every OK result into the Aggregator as it arrives
 * (non-OK results are logged and skipped), aggregates, turns the aggregate into the next global model (through
 * the ModelUpdater when one is configured, e.g. a server optimizer for FedOpt; else WEIGHTS replace and
 * WEIGHT_DIFF add), records the round's client metrics, keeps the best model, persists and snapshots. It
 * resumes from the store's snapshot (model, history, updater state) when one exists for its job and id.
 *
 * Best model: with `bestMetric` set, a round whose summary metric beats every earlier round (`bestMode`)
 * saves the model the clients evaluated that round (the one broadcast at its start) under tag `best` and is
 * marked `best: true` in the history. At the end the final model is saved (tag `final`) and left in the run
 * context as {@link WorkflowContextKey.GLOBAL_MODEL} for the next workflow.
 *
 * Variants (SCAFFOLD) override the protected hooks: {@link ScatterAndGather.beginRound},
 * {@link ScatterAndGather.openContribution}, {@link ScatterAndGather.nextModel},
 * {@link ScatterAndGather.saveState} and {@link ScatterAndGather.loadState}.
 *
 * Events: INITIAL_MODEL_LOADED, ROUND_STARTED, BEFORE_AGGREGATION, AFTER_AGGREGATION,
 * GLOBAL_WEIGHTS_UPDATED, ROUND_DONE (with {@link WorkflowContextKey.ROUND_SUMMARY} set).
 */
export class ScatterAndGather extends Controller {
  /** The checked arguments. */
  readonly args: CompiledScatterAndGatherArgs;
  readonly #history: RoundSummary[] = [];
  readonly #defaultSnapshots = new InMemorySnapshotStore();
  #components: Components | undefined;
  #model: Dxo | undefined;
  #best: BestRound | undefined;

  constructor(args: ScatterAndGatherArgs = {}) {
    super();
    this.args = compileScatterAndGatherArgs(args, new.target.name);
  }

  /** One summary per completed round, oldest first. */
  get history(): readonly RoundSummary[] {
    return this.#history;
  }

  /** The current global model, once loaded. */
  get globalModel(): Dxo | undefined {
    return this.#model;
  }

  /** The round with the best `bestMetric` so far, once one reported it. */
  get bestRound(): BestRound | undefined {
    return this.#best;
  }

  /** The model updater, once {@link ScatterAndGather.start} resolved it. */
  protected get modelUpdater(): ModelUpdater | undefined {
    return this.#components?.updater;
  }

  /** Resolves the aggregator, persistor, snapshot store and model updater by id. */
  override start(ctx: FLContext): void {
    const requester = `${this.constructor.name} ${this.id}`;
    const { snapshotStoreId, modelUpdaterId } = this.args;
    this.#components = {
      aggregator: requireComponent(ctx, { id: this.args.aggregatorId, kind: 'Aggregator', requester, is: isAggregator }),
      persistor: requireComponent(ctx, { id: this.args.persistorId, kind: 'ModelPersistor', requester, is: isModelPersistor }),
      snapshots:
        snapshotStoreId === undefined
          ? this.#defaultSnapshots
          : requireComponent(ctx, { id: snapshotStoreId, kind: 'SnapshotStore', requester, is: isSnapshotStore }),
      updater:
        modelUpdaterId === undefined ? undefined : requireComponent(ctx, { id: modelUpdaterId, kind: 'ModelUpdater', requester, is: isModelUpdater }),
    };
  }

  /** Runs the rounds; returns early, without the final save, when `signal` aborts. */
  override async run(ctx: FLContext, signal: AbortSignal): Promise<void> {
    const components = this.#requireComponents();
    const { startRound, numRounds } = this.args;
    ctx.set(WorkflowContextKey.NUM_ROUNDS, numRounds, { sticky: true });
    let round = await this.#loadModel(ctx, components);
    for (; round < startRound + numRounds; round++) {
      if (signal.aborted) return;
      const completed = await this.#runRound({ round, components, signal });
      if (!completed) return;
      // The run's context names the current model, never an earlier one it would keep in memory all run long.
      ctx.set(WorkflowContextKey.GLOBAL_MODEL, this.#requireModel());
    }
    const model = this.#requireModel();
    await components.persistor.save(model, 'final', ctx);
    ctx.set(WorkflowContextKey.GLOBAL_MODEL, model);
  }

  /**
   * Starts a round and returns the DXO to broadcast. The default sends the model with `meta` (current and
   * total rounds) merged into its meta.
   */
  protected beginRound(input: { readonly model: Dxo; readonly round: number; readonly meta: JsonObject }): Dxo {
    return input.model.withMeta(input.meta);
  }

  /**
   * Opens an OK client result: what the aggregator should take, or the reason to reject it. The default
   * hands the result over as it is.
   */
  protected openContribution(result: Shareable): OpenedContribution | string {
    return { forAggregator: result, commit: () => undefined };
  }

  /** The next global model from the round's aggregate: the model updater's, else WEIGHTS replace and WEIGHT_DIFF add. */
  protected nextModel(input: NextModelInput): ParamMap {
    const updater = this.modelUpdater;
    if (updater === undefined) return applyModelUpdate(input.global, input.aggregate);
    return updater.updateModel({ global: input.global, aggregate: input.aggregate, round: input.round }, input.ctx);
  }

  /** Named tensor state to snapshot with the model; the default holds the model updater's state. */
  protected saveState(): Record<string, ParamMap> {
    const updater = this.modelUpdater;
    return updater === undefined ? {} : { [UPDATER_STATE]: updater.saveState() };
  }

  /** Restores what {@link ScatterAndGather.saveState} returned, from a snapshot. */
  protected loadState(state: Readonly<Record<string, ParamMap>>): void {
    const updater = this.modelUpdater;
    const saved = state[UPDATER_STATE];
    if (updater !== undefined && saved !== undefined) updater.loadState(saved);
    else if (updater !== undefined) this.host.logger.warn({ workflow: this.id }, 'the snapshot holds no model updater state; the updater starts afresh');
  }

  async #loadModel(ctx: FLContext, components: Components): Promise<number> {
    const snapshot = await components.snapshots.load({ jobId: ctx.jobId, workflowId: this.id });
    if (snapshot !== undefined) {
      this.#setModel(snapshot.model, 'snapshot');
      this.#history.splice(0, this.#history.length, ...snapshot.history);
      this.#best = this.#bestOf(snapshot.history);
      this.loadState(snapshot.state ?? {});
      this.host.logger.info({ workflow: this.id, round: snapshot.round }, 'resuming from snapshot');
      ctx.set(WorkflowContextKey.GLOBAL_MODEL, snapshot.model);
      return snapshot.round + 1;
    }
    const model = await components.persistor.load(ctx);
    this.#setModel(model, `persistor ${this.args.persistorId}`);
    ctx.set(WorkflowContextKey.GLOBAL_MODEL, model);
    await this.fireEvent(EventType.INITIAL_MODEL_LOADED, ctx);
    return this.args.startRound;
  }

  async #runRound(step: { readonly round: number; readonly components: Components; readonly signal: AbortSignal }): Promise<boolean> {
    const { round, components, signal } = step;
    const { aggregator, persistor, snapshots } = components;
    const { numRounds, startRound } = this.args;
    const ctx = this.host.newContext();
    ctx.set(WorkflowContextKey.CURRENT_ROUND, round, { sticky: true });
    aggregator.reset(ctx);
    await this.fireEvent(EventType.ROUND_STARTED, ctx);

    const metrics = new RoundMetrics();
    let accepted = 0;
    let resultError: HearthError | undefined;
    let contributions = Promise.resolve();
    const model = this.#requireModel();
    const task = createTask({
      name: this.args.trainTaskName,
      data: Shareable.fromDxo(this.beginRound({ model, round, meta: { [MetaKey.CURRENT_ROUND]: round, [MetaKey.TOTAL_ROUNDS]: numRounds } }), {
        [HeaderKey.CURRENT_ROUND]: round,
        [HeaderKey.NUM_ROUNDS]: numRounds,
      }),
      timeoutMs: this.args.trainTimeoutMs,
      resultReceived: (clientTask, resultCtx) => {
        const result = clientTask.result;
        clientTask.result = undefined;
        if (result === undefined) return;
        if (result.returnCode !== ReturnCode.OK && !this.args.ignoreResultError) {
          resultError ??= this.#resultError({ client: clientTask.client, result, round });
          this.cancelTask(task);
          return;
        }
        // Results are folded one at a time, in arrival order, each between its contribution events.
        contributions = contributions.then(async () => {
          const contribution = await this.#contribute({ clientTask, result, ctx: resultCtx, aggregator });
          if (contribution !== undefined) {
            accepted += 1;
            metrics.add(clientTask.client, contribution);
          }
        });
      },
    });
    const status = await this.broadcastAndWait(task, {
      minResponses: this.args.minClients,
      waitTimeAfterMinReceivedMs: this.args.waitTimeAfterMinReceivedMs,
      signal,
    });
    await contributions;
    if (signal.aborted || status === TaskCompletionStatus.ABORTED) return false;
    if (resultError !== undefined) throw resultError;
    if (accepted === 0) {
      throw workflowError(WorkflowErrorCode.NO_CONTRIBUTIONS, `round ${round} ended (${status}) without an accepted contribution`, {
        round,
        status,
      });
    }
    if (status !== TaskCompletionStatus.OK) {
      this.host.logger.warn({ round, status, accepted }, 'round task did not end ok; aggregating the contributions that arrived');
    }
    if (accepted < this.args.minClients) {
      this.host.logger.warn({ round, accepted, minClients: this.args.minClients }, `round ${round} aggregates ${accepted} contributions, fewer than min_clients`);
    }

    await this.fireEvent(EventType.BEFORE_AGGREGATION, ctx);
    const aggregate = aggregator.aggregate(ctx);
    ctx.set(WorkflowContextKey.AGGREGATION_RESULT, aggregate);
    await this.fireEvent(EventType.AFTER_AGGREGATION, ctx);
    if (aggregate.dxo === undefined) {
      throw workflowError(WorkflowErrorCode.INVALID_MODEL, `aggregator ${this.args.aggregatorId} returned no DXO in round ${round}`, { round });
    }
    const params = this.nextModel({ global: model.requireParams(), aggregate: aggregate.dxo, round, sentTo: task.clientTasks.length, ctx });
    const next = new Dxo({ kind: DataKind.WEIGHTS, params, meta: model.meta });
    this.#model = next;
    ctx.set(WorkflowContextKey.GLOBAL_MODEL, next);
    await this.fireEvent(EventType.GLOBAL_WEIGHTS_UPDATED, ctx);

    const summary = await this.#keepBest({ summary: metrics.summary(round), evaluated: model, persistor, ctx });
    this.#history.push(summary);
    const done = round - startRound + 1;
    if (this.args.persistEveryNRounds > 0 && done % this.args.persistEveryNRounds === 0) await persistor.save(next, 'last', ctx);
    if (this.args.snapshotEveryNRounds > 0 && done % this.args.snapshotEveryNRounds === 0) {
      const snapshot: WorkflowSnapshot = { jobId: ctx.jobId, workflowId: this.id, round, model: next, history: [...this.#history], state: this.saveState() };
      await snapshots.save(snapshot);
    }
    ctx.set(WorkflowContextKey.ROUND_SUMMARY, summary);
    await this.fireEvent(EventType.ROUND_DONE, ctx);
    return true;
  }

  /** Saves `evaluated` as `best` when the summary's best metric improved; returns the summary, marked when it did. */
  async #keepBest(input: { readonly summary: RoundSummary; readonly evaluated: Dxo; readonly persistor: ModelPersistor; readonly ctx: FLContext }): Promise<RoundSummary> {
    const { summary, evaluated, persistor, ctx } = input;
    const metric = this.args.bestMetric;
    if (metric === undefined) return summary;
    const value = summary.metrics[metric];
    if (value === undefined) {
      this.host.logger.warn({ round: summary.round, metric }, 'no client reported the best metric this round');
      return summary;
    }
    const best = this.#best;
    const improved = best === undefined || (this.args.bestMode === BestMode.MAX ? value > best.value : value < best.value);
    if (!improved) return summary;
    await persistor.save(evaluated, 'best', ctx);
    this.#best = { round: summary.round, metric, value };
    this.host.logger.info({ round: summary.round, metric, value }, 'new best model saved');
    return { ...summary, best: true };
  }

  #bestOf(history: readonly RoundSummary[]): BestRound | undefined {
    const metric = this.args.bestMetric;
    if (metric === undefined) return undefined;
    let best: BestRound | undefined;
    for (const summary of history) {
      const value = summary.metrics[metric];
      if (summary.best === true && value !== undefined) best = { round: summary.round, metric, value };
    }
    return best;
  }

  /**
   * Hands an OK result to the aggregator between BEFORE_CONTRIBUTION_ACCEPT and AFTER_CONTRIBUTION_ACCEPT
   * (`TRAINING_RESULT` and `AGGREGATION_ACCEPTED` in the result's context); returns what the aggregator
   * accepted, or undefined.
   */
  async #contribute(input: Contribution): Promise<Shareable | undefined> {
    const { clientTask, result, ctx } = input;
    if (result.returnCode !== ReturnCode.OK) {
      const log = { client: clientTask.client, task: clientTask.task.name, rc: result.returnCode, error: result.stringHeader(HeaderKey.ERROR_MESSAGE) };
      this.host.logger.warn(log, 'skipping a result with an error return code');
      return undefined;
    }
    ctx.set(WorkflowContextKey.TRAINING_RESULT, result);
    await this.fireEvent(EventType.BEFORE_CONTRIBUTION_ACCEPT, ctx);
    const contribution = this.#accept(input);
    ctx.set(WorkflowContextKey.AGGREGATION_ACCEPTED, contribution !== undefined);
    await this.fireEvent(EventType.AFTER_CONTRIBUTION_ACCEPT, ctx);
    return contribution;
  }

  /** Opens the result and gives it to the aggregator; returns what it accepted, or undefined (logged). */
  #accept(input: Contribution): Shareable | undefined {
    const { clientTask, result, ctx, aggregator } = input;
    const log = { client: clientTask.client, task: clientTask.task.name };
    try {
      const opened = this.openContribution(result);
      if (typeof opened === 'string') {
        this.host.logger.warn({ ...log, reason: opened }, `contribution rejected: ${opened}`);
        return undefined;
      }
      if (aggregator.accept(opened.forAggregator, ctx)) {
        opened.commit();
        return opened.forAggregator;
      }
      this.host.logger.warn(log, 'aggregator rejected a contribution');
    } catch (err) {
      this.host.logger.error({ ...log, err: toError(err) }, 'aggregator failed on a contribution; skipping it');
    }
    return undefined;
  }

  /** The error that ends the job when a client's result carries an error return code. */
  #resultError(input: { readonly client: string; readonly result: Shareable; readonly round: number }): HearthError {
    const { client, result, round } = input;
    const detail = result.stringHeader(HeaderKey.ERROR_MESSAGE);
    const message = `${client} returned an error result in round ${round} (${result.returnCode}${detail === undefined ? '' : `: ${detail}`}); set ignore_result_error to skip such results`;
    return workflowError(WorkflowErrorCode.RESULT_ERROR, message, { client, round, returnCode: result.returnCode });
  }

  #setModel(model: Dxo, source: string): void {
    if (model.kind !== DataKind.WEIGHTS || model.params === undefined) {
      throw workflowError(WorkflowErrorCode.INVALID_MODEL, `${this.constructor.name} ${this.id}: the model from the ${source} is ${model.kind}, expected WEIGHTS`, {
        kind: model.kind,
      });
    }
    this.#model = model;
  }

  #requireModel(): Dxo {
    if (this.#model === undefined) throw workflowError(WorkflowErrorCode.INVALID_MODEL, `${this.constructor.name} ${this.id}: no global model loaded`);
    return this.#model;
  }

  #requireComponents(): Components {
    if (this.#components === undefined) {
      throw workflowError(WorkflowErrorCode.NOT_ATTACHED, `${this.constructor.name} ${this.id}: run() called before start()`);
    }
    return this.#components;
  }
}
