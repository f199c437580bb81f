import { DataKind, Dxo, EventType, HeaderKey, MetaKey, ReturnCode, Shareable, TaskCompletionStatus, toError } from '@hearth/core';
import type { Aggregator, FLContext, ModelPersistor } from '@hearth/core';
import { applyModelUpdate } from './apply-model-update.js';
import { WorkflowContextKey } from './context-keys.js';
import { Controller } from './controller.js';
import type { ControllerClientTask } from './controller-task.js';
import { createTask } from './create-task.js';
import { WorkflowErrorCode, workflowError } from './errors.js';
import { InMemorySnapshotStore } from './in-memory-snapshot-store.js';
import { durationArg, intArg, nameArg } from './internal/check-args.js';
import { isAggregator, isModelPersistor, requireComponent } from './internal/require-component.js';
import { RoundMetrics } from './internal/round-metrics.js';
import type { RoundSummary } from './round-summary.js';
import { isSnapshotStore } from './snapshot-store.js';
import type { SnapshotStore } from './snapshot-store.js';

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
}

/** {@link ScatterAndGatherArgs} with every default applied and every value checked. */
export type CompiledScatterAndGatherArgs = Required<Omit<ScatterAndGatherArgs, 'snapshotStoreId'>> & {
  readonly snapshotStoreId: string | undefined;
};

/** Checks `args` and fills in the defaults; throws HEARTH_ERR_WORKFLOW_INVALID_ARGS naming the bad argument. */
export function compileScatterAndGatherArgs(args: ScatterAndGatherArgs): CompiledScatterAndGatherArgs {
  const workflow = 'ScatterAndGather';
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
    snapshotStoreId: args.snapshotStoreId === undefined ? undefined : nameArg(args.snapshotStoreId, { workflow, name: 'snapshotStoreId' }),
  };
}

interface Components {
  readonly aggregator: Aggregator;
  readonly persistor: ModelPersistor;
  readonly snapshots: SnapshotStore;
}

/**
 * Federated averaging's control flow (NVFlare's ScatterAndGather). Each round it broadcasts the global model
 * (a WEIGHTS DXO with current_round / num_rounds), streams every OK result into the Aggregator as it arrives
 * (non-OK results are logged and skipped), aggregates, applies the aggregate to the global model (WEIGHTS
 * replace, WEIGHT_DIFF add), records the round's client metrics, persists and snapshots. It resumes from
 * the store's snapshot when one exists for its job and id.
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

  constructor(args: ScatterAndGatherArgs = {}) {
    super();
    this.args = compileScatterAndGatherArgs(args);
  }

  /** One summary per completed round, oldest first. */
  get history(): readonly RoundSummary[] {
    return this.#history;
  }

  /** The current global model, once loaded. */
  get globalModel(): Dxo | undefined {
    return this.#model;
  }

  /** Resolves the aggregator, persistor and snapshot store by id. */
  override start(ctx: FLContext): void {
    const requester = `ScatterAndGather ${this.id}`;
    const { snapshotStoreId } = this.args;
    this.#components = {
      aggregator: requireComponent(ctx, { id: this.args.aggregatorId, kind: 'Aggregator', requester, is: isAggregator }),
      persistor: requireComponent(ctx, { id: this.args.persistorId, kind: 'ModelPersistor', requester, is: isModelPersistor }),
      snapshots:
        snapshotStoreId === undefined
          ? this.#defaultSnapshots
          : requireComponent(ctx, { id: snapshotStoreId, kind: 'SnapshotStore', requester, is: isSnapshotStore }),
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
    }
    const model = this.#requireModel();
    await components.persistor.save(model, 'final', ctx);
  }

  async #loadModel(ctx: FLContext, components: Components): Promise<number> {
    const snapshot = await components.snapshots.load({ jobId: ctx.jobId, workflowId: this.id });
    if (snapshot !== undefined) {
      this.#setModel(snapshot.model, 'snapshot');
      this.#history.splice(0, this.#history.length, ...snapshot.history);
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
    const model = this.#requireModel();
    const task = createTask({
      name: this.args.trainTaskName,
      data: Shareable.fromDxo(model.withMeta({ [MetaKey.CURRENT_ROUND]: round, [MetaKey.TOTAL_ROUNDS]: numRounds }), {
        [HeaderKey.CURRENT_ROUND]: round,
        [HeaderKey.NUM_ROUNDS]: numRounds,
      }),
      timeoutMs: this.args.trainTimeoutMs,
      resultReceived: (clientTask, resultCtx) => {
        const result = clientTask.result;
        clientTask.result = undefined;
        if (result !== undefined && this.#contribute({ clientTask, result, ctx: resultCtx, aggregator })) {
          accepted += 1;
          metrics.add(clientTask.client, result);
        }
      },
    });
    const status = await this.broadcastAndWait(task, {
      minResponses: this.args.minClients,
      waitTimeAfterMinReceivedMs: this.args.waitTimeAfterMinReceivedMs,
      signal,
    });
    if (signal.aborted || status === TaskCompletionStatus.ABORTED) return false;
    if (accepted === 0) {
      throw workflowError(WorkflowErrorCode.NO_CONTRIBUTIONS, `round ${round} ended (${status}) without an accepted contribution`, {
        round,
        status,
      });
    }
    if (status !== TaskCompletionStatus.OK) {
      this.host.logger.warn({ round, status, accepted }, 'round task did not end ok; aggregating the contributions that arrived');
    }

    await this.fireEvent(EventType.BEFORE_AGGREGATION, ctx);
    const aggregate = aggregator.aggregate(ctx);
    ctx.set(WorkflowContextKey.AGGREGATION_RESULT, aggregate);
    await this.fireEvent(EventType.AFTER_AGGREGATION, ctx);
    if (aggregate.dxo === undefined) {
      throw workflowError(WorkflowErrorCode.INVALID_MODEL, `aggregator ${this.args.aggregatorId} returned no DXO in round ${round}`, { round });
    }
    const next = new Dxo({ kind: DataKind.WEIGHTS, params: applyModelUpdate(model.requireParams(), aggregate.dxo), meta: model.meta });
    this.#model = next;
    ctx.set(WorkflowContextKey.GLOBAL_MODEL, next);
    await this.fireEvent(EventType.GLOBAL_WEIGHTS_UPDATED, ctx);

    const summary = metrics.summary(round);
    this.#history.push(summary);
    const done = round - startRound + 1;
    if (this.args.persistEveryNRounds > 0 && done % this.args.persistEveryNRounds === 0) await persistor.save(next, 'last', ctx);
    if (this.args.snapshotEveryNRounds > 0 && done % this.args.snapshotEveryNRounds === 0) {
      await snapshots.save({ jobId: ctx.jobId, workflowId: this.id, round, model: next, history: [...this.#history] });
    }
    ctx.set(WorkflowContextKey.ROUND_SUMMARY, summary);
    await this.fireEvent(EventType.ROUND_DONE, ctx);
    return true;
  }

  #contribute(input: {
    readonly clientTask: ControllerClientTask;
    readonly result: Shareable;
    readonly ctx: FLContext;
    readonly aggregator: Aggregator;
  }): boolean {
    const { clientTask, result, ctx, aggregator } = input;
    const log = { client: clientTask.client, task: clientTask.task.name };
    if (result.returnCode !== ReturnCode.OK) {
      this.host.logger.warn({ ...log, rc: result.returnCode, error: result.stringHeader(HeaderKey.ERROR_MESSAGE) }, 'skipping a result with an error return code');
      return false;
    }
    try {
      if (aggregator.accept(result, ctx)) return true;
      this.host.logger.warn(log, 'aggregator rejected a contribution');
    } catch (err) {
      this.host.logger.error({ ...log, err: toError(err) }, 'aggregator failed on a contribution; skipping it');
    }
    return false;
  }

  #setModel(model: Dxo, source: string): void {
    if (model.kind !== DataKind.WEIGHTS || model.params === undefined) {
      throw workflowError(WorkflowErrorCode.INVALID_MODEL, `ScatterAndGather ${this.id}: the model from the ${source} is ${model.kind}, expected WEIGHTS`, {
        kind: model.kind,
      });
    }
    this.#model = model;
  }

  #requireModel(): Dxo {
    if (this.#model === undefined) throw workflowError(WorkflowErrorCode.INVALID_MODEL, `ScatterAndGather ${this.id}: no global model loaded`);
    return this.#model;
  }

  #requireComponents(): Components {
    if (this.#components === undefined) {
      throw workflowError(WorkflowErrorCode.NOT_ATTACHED, `ScatterAndGather ${this.id}: run() called before start()`);
    }
    return this.#components;
  }
}
