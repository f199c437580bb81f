import { ContextKey, DataKind, Dxo, EventType, HeaderKey, MetaKey, ReturnCode, SeededRandom, Shareable, TaskCompletionStatus, toError } from '@hearth/core';
import type { FLContext, ModelPersistor } from '@hearth/core';
import { applyModelUpdate } from './apply-model-update.js';
import { WorkflowContextKey } from './context-keys.js';
import { Controller } from './controller.js';
import { createTask } from './create-task.js';
import { WorkflowErrorCode, workflowError } from './errors.js';
import { durationArg, intArg, nameArg } from './internal/check-args.js';
import { isModelPersistor, requireComponent } from './internal/require-component.js';
import { RoundMetrics } from './internal/round-metrics.js';
import type { RoundSummary } from './round-summary.js';

/** The order in which the model visits the clients each round. */
export const CyclicOrder = {
  /** The order in which the clients joined, every round. */
  FIXED: 'fixed',
  /** A fresh seeded shuffle of that order every round. */
  RANDOM: 'random',
} as const;

/** One of {@link CyclicOrder}. */
export type CyclicOrderValue = (typeof CyclicOrder)[keyof typeof CyclicOrder];

/** Arguments of {@link CyclicController}. */
export interface CyclicControllerArgs {
  /** Rounds to run; each round visits every client once. @default 5 */
  readonly numRounds?: number;
  /** Task name the clients' executors answer. @default 'train' */
  readonly taskName?: string;
  /** @default 'fixed' */
  readonly order?: CyclicOrderValue;
  /** Seed of the random order. @default the run's seed (`ContextKey.SEED`), else 0 */
  readonly seed?: number;
  /** Component id of the ModelPersistor. @default 'persistor' */
  readonly persistorId?: string;
  /** How long one client may take before the model moves on without its update; 0 waits. @default 0 */
  readonly taskResultTimeoutMs?: number;
  /** Save the model (tag `last`) every this many rounds; 0 only at the end (tag `final`). @default 1 */
  readonly persistEveryNRounds?: number;
}

/** {@link CyclicControllerArgs} with every default applied and every value checked. */
export type CompiledCyclicControllerArgs = Required<Omit<CyclicControllerArgs, 'seed'>> & { readonly seed: number | undefined };

/** Checks `args` and fills in the defaults; throws HEARTH_ERR_WORKFLOW_INVALID_ARGS naming the bad argument. */
export function compileCyclicControllerArgs(args: CyclicControllerArgs): CompiledCyclicControllerArgs {
  const workflow = 'CyclicController';
  const order = args.order ?? CyclicOrder.FIXED;
  if (order !== CyclicOrder.FIXED && order !== CyclicOrder.RANDOM) {
    throw workflowError(WorkflowErrorCode.INVALID_ARGS, `${workflow}: order must be 'fixed' or 'random', got ${JSON.stringify(order)}`, { order });
  }
  return {
    numRounds: intArg(args.numRounds ?? 5, { workflow, name: 'numRounds', min: 0 }),
    taskName: nameArg(args.taskName ?? 'train', { workflow, name: 'taskName' }),
    order,
    seed: args.seed === undefined ? undefined : intArg(args.seed, { workflow, name: 'seed', min: 0 }),
    persistorId: nameArg(args.persistorId ?? 'persistor', { workflow, name: 'persistorId' }),
    taskResultTimeoutMs: durationArg(args.taskResultTimeoutMs ?? 0, { workflow, name: 'taskResultTimeoutMs' }),
    persistEveryNRounds: intArg(args.persistEveryNRounds ?? 1, { workflow, name: 'persistEveryNRounds', min: 0 }),
  };
}

/**
 * Cyclic weight transfer (NVFlare's CyclicController): each round the model is relayed through every client,
 * each client's result (WEIGHTS, or WEIGHT_DIFF added to what it received) becoming the next client's input.
 * A client whose result has an error code, or does not fit the model, is skipped and the model passes on
 * unchanged. The round fails with HEARTH_ERR_WORKFLOW_TASK_FAILED when the relay does not end ok. At the end
 * the final model is saved (tag `final`) and left in the run context as {@link WorkflowContextKey.GLOBAL_MODEL}.
 *
 * Events: INITIAL_MODEL_LOADED, ROUND_STARTED, GLOBAL_WEIGHTS_UPDATED, ROUND_DONE (with the round summary).
 */
export class CyclicController extends Controller {
  /** The checked arguments. */
  readonly args: CompiledCyclicControllerArgs;
  readonly #history: RoundSummary[] = [];
  #persistor: ModelPersistor | undefined;
  #model: Dxo | undefined;

  constructor(args: CyclicControllerArgs = {}) {
    super();
    this.args = compileCyclicControllerArgs(args);
  }

  /** One summary per completed round; `clients` lists the visit order of accepted updates. */
  get history(): readonly RoundSummary[] {
    return this.#history;
  }

  /** The current model, once loaded. */
  get globalModel(): Dxo | undefined {
    return this.#model;
  }

  /** Resolves the persistor by id. */
  override start(ctx: FLContext): void {
    this.#persistor = requireComponent(ctx, {
      id: this.args.persistorId,
      kind: 'ModelPersistor',
      requester: `CyclicController ${this.id}`,
      is: isModelPersistor,
    });
  }

  /** Runs the rounds; returns early, without the final save, when `signal` aborts. */
  override async run(ctx: FLContext, signal: AbortSignal): Promise<void> {
    const persistor = this.#persistor;
    if (persistor === undefined) throw workflowError(WorkflowErrorCode.NOT_ATTACHED, `CyclicController ${this.id}: run() called before start()`);
    const model = await persistor.load(ctx);
    if (model.kind !== DataKind.WEIGHTS || model.params === undefined) {
      throw workflowError(WorkflowErrorCode.INVALID_MODEL, `CyclicController ${this.id}: the persistor returned ${model.kind}, expected WEIGHTS`, {
        kind: model.kind,
      });
    }
    this.#model = model;
    ctx.set(WorkflowContextKey.NUM_ROUNDS, this.args.numRounds, { sticky: true });
    ctx.set(WorkflowContextKey.GLOBAL_MODEL, model);
    await this.fireEvent(EventType.INITIAL_MODEL_LOADED, ctx);
    const random = new SeededRandom(this.args.seed ?? ctx.get<number>(ContextKey.SEED) ?? 0);
    for (let round = 0; round < this.args.numRounds; round++) {
      if (signal.aborted) return;
      const targets = [...this.host.clients()];
      if (targets.length === 0) throw workflowError(WorkflowErrorCode.NO_CLIENTS, `CyclicController ${this.id}: no clients connected for round ${round}`, { round });
      if (this.args.order === CyclicOrder.RANDOM) random.shuffle(targets);
      const completed = await this.#runRound({ round, targets, persistor, signal });
      if (!completed) return;
      // The run's context names the current model, never an earlier one it would keep in memory all run long.
      ctx.set(WorkflowContextKey.GLOBAL_MODEL, this.#model);
    }
    await persistor.save(this.#model, 'final', ctx);
    ctx.set(WorkflowContextKey.GLOBAL_MODEL, this.#model);
  }

  async #runRound(step: {
    readonly round: number;
    readonly targets: readonly string[];
    readonly persistor: ModelPersistor;
    readonly signal: AbortSignal;
  }): Promise<boolean> {
    const { round, targets, persistor, signal } = step;
    const ctx = this.host.newContext();
    ctx.set(WorkflowContextKey.CURRENT_ROUND, round, { sticky: true });
    await this.fireEvent(EventType.ROUND_STARTED, ctx);
    const headers = { [HeaderKey.CURRENT_ROUND]: round, [HeaderKey.NUM_ROUNDS]: this.args.numRounds };
    const meta = { [MetaKey.CURRENT_ROUND]: round, [MetaKey.TOTAL_ROUNDS]: this.args.numRounds };
    let current = this.#requireModel();
    const metrics = new RoundMetrics();
    const task = createTask({
      name: this.args.taskName,
      data: Shareable.fromDxo(current.withMeta(meta), headers),
      resultReceived: (clientTask) => {
        const result = clientTask.result;
        clientTask.result = undefined;
        const log = { client: clientTask.client, round };
        if (result?.dxo === undefined || result.returnCode !== ReturnCode.OK) {
          this.host.logger.warn({ ...log, rc: result?.returnCode }, 'skipping a client result; the model passes on unchanged');
          return;
        }
        try {
          current = new Dxo({ kind: DataKind.WEIGHTS, params: applyModelUpdate(current.requireParams(), result.dxo), meta: current.meta });
        } catch (err) {
          this.host.logger.warn({ ...log, err: toError(err) }, 'skipping a client update that does not fit the model');
          return;
        }
        metrics.add(clientTask.client, result);
        clientTask.task.data = Shareable.fromDxo(current.withMeta(meta), headers);
      },
    });
    const status = await this.relayAndWait(task, {
      targets,
      dynamicTargets: false,
      taskResultTimeoutMs: this.args.taskResultTimeoutMs,
      signal,
    });
    if (signal.aborted || status === TaskCompletionStatus.ABORTED) return false;
    if (status !== TaskCompletionStatus.OK) {
      throw workflowError(WorkflowErrorCode.TASK_FAILED, `CyclicController ${this.id}: round ${round} relay ended with status ${status}`, {
        round,
        status,
      });
    }
    this.#model = current;
    ctx.set(WorkflowContextKey.GLOBAL_MODEL, current);
    await this.fireEvent(EventType.GLOBAL_WEIGHTS_UPDATED, ctx);
    const summary = metrics.summary(round);
    this.#history.push(summary);
    if (this.args.persistEveryNRounds > 0 && (round + 1) % this.args.persistEveryNRounds === 0) await persistor.save(current, 'last', ctx);
    ctx.set(WorkflowContextKey.ROUND_SUMMARY, summary);
    await this.fireEvent(EventType.ROUND_DONE, ctx);
    return true;
  }

  #requireModel(): Dxo {
    if (this.#model === undefined) throw workflowError(WorkflowErrorCode.INVALID_MODEL, `CyclicController ${this.id}: no model loaded`);
    return this.#model;
  }
}
