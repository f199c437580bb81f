import { ContextKey, CoreErrorCode, DataKind, Dxo, Executor, HeaderKey, HearthError, MetaKey, ReturnCode, Shareable, isFloatDType } from '@hearth/core';
import type { FLContext, JsonObject, Logger, ParamMap, Tensor } from '@hearth/core';
import type { StatefulExecutor } from '@hearth/engine';
import { ScaffoldKey } from '@hearth/workflow';
import { TrainingErrorCode, trainingError } from './errors.js';
import { deriveSeed } from './internal/derive-seed.js';
import { evaluateRows, trainEpochs } from './local-training.js';
import type { LossAccuracy } from './local-training.js';
import { learningRateAt } from './lr-schedule.js';
import { prepareModel } from './model-spec.js';
import type { PreparedModel } from './model-spec.js';
import { OnnxTrainerArgsSchema, compileOnnxTrainerArgs } from './onnx-trainer-args.js';
import type { CompiledOnnxTrainerArgs, OnnxTrainerArgsInput } from './onnx-trainer-args.js';
import { scaffoldControlUpdate, scaffoldStepSize, zerosLike } from './scaffold-update.js';
import { resolveSiteData } from './site-data.js';
import type { SiteData } from './site-data.js';
import { sharedTrainerPool } from './trainer-pool.js';
import type { TrainerLease, TrainerPool } from './trainer-pool.js';
import { compileTrainingPrograms } from './training-programs.js';

/** What a site resolves once: its data and the model, both shared process-wide. */
interface Setup {
  readonly data: SiteData;
  readonly model: PreparedModel;
}

/** The state an {@link OnnxTrainer} keeps across tasks (and across the simulator's swap-outs). */
export interface OnnxTrainerState {
  /** The last locally trained model, for `submit_model`. */
  readonly lastModel: ParamMap | undefined;
  /** SCAFFOLD's client control variate c_i. */
  readonly localControl: ParamMap | undefined;
}

/** The received model and, for SCAFFOLD, the global control variate. */
interface TrainInput {
  readonly model: Dxo;
  readonly control: ParamMap | undefined;
}

/** Options of the {@link OnnxTrainer} constructor besides its args. */
export interface OnnxTrainerOptions {
  /** The pool trainers are leased from. @default sharedTrainerPool() */
  readonly pool?: TrainerPool;
}

function describe(t: Tensor): string {
  return `${t.dtype}[${t.shape.join(', ')}]`;
}

function taskDataError(message: string, context: Record<string, unknown> = {}): Error {
  return trainingError(TrainingErrorCode.INVALID_TASK_DATA, message, { context });
}

function finite(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

/**
 * The client executor of federated training on ONNX models (NVFlare's PyTorch learner executor, for Node):
 *
 * - `train`: takes the global model (WEIGHTS), evaluates it on the site's test rows, trains `local_epochs`
 *   over the site's training share and returns WEIGHTS or WEIGHT_DIFF with `NUM_STEPS_CURRENT_ROUND` =
 *   the number of training examples seen this round (local_epochs × share size, FedAvg's n_k weighting) and
 *   `meta.metrics` = { train_loss, train_accuracy (running, over the round's steps), val_loss, val_accuracy
 *   (of the received global model) }. With `fedprox_mu` > 0 the loss adds mu/2 ||w − w_global||². A SCAFFOLD
 *   task (a COLLECTION, see the workflow's `ScaffoldKey`) also trains with the correction c − c_i and returns
 *   Δc_i (option II of the paper); c_i lives in the executor's state.
 * - `validate`: evaluates the received WEIGHTS on the test rows and returns METRICS { val_loss, val_accuracy,
 *   val_examples }.
 * - `submit_model`: returns the last locally trained model as WEIGHTS.
 *
 * The optimizer starts fresh every round. Shuffling is seeded from the run seed, the site's index, the round
 * and the epoch, so a run is reproducible on the CPU with one intra-op thread. Datasets, partitions and
 * compiled programs are shared by every executor in the process, and ORT sessions are leased from a pool,
 * so swapping a simulated client in costs no loading or compiling.
 */
export class OnnxTrainer extends Executor implements StatefulExecutor {
  /** The args schema the job loader validates configs against (with defaults). */
  static readonly argsSchema = OnnxTrainerArgsSchema;

  /** The checked args. */
  readonly args: CompiledOnnxTrainerArgs;
  readonly #pool: TrainerPool;
  #setup: Promise<Setup> | undefined;
  #lastModel: ParamMap | undefined;
  #localControl: ParamMap | undefined;

  constructor(args: OnnxTrainerArgsInput, options: OnnxTrainerOptions = {}) {
    super();
    this.args = compileOnnxTrainerArgs(args);
    this.#pool = options.pool ?? sharedTrainerPool();
  }

  override async execute(taskName: string, data: Shareable, ctx: FLContext, signal: AbortSignal): Promise<Shareable> {
    const names = this.args.taskNames;
    if (taskName === names.train) return this.#train(data, ctx, signal);
    if (taskName === names.validate) return this.#validate(data, ctx);
    if (taskName === names.submitModel) return this.#submitModel(ctx);
    return Shareable.withReturnCode(ReturnCode.TASK_UNKNOWN, `OnnxTrainer ${this.id} does not perform task "${taskName}"`);
  }

  /** The last trained model and the SCAFFOLD control variate, kept by reference while the client is swapped out. */
  saveState(): OnnxTrainerState {
    return { lastModel: this.#lastModel, localControl: this.#localControl };
  }

  /** Restores what {@link OnnxTrainer.saveState} returned; throws `HEARTH_ERR_TRAINING_INVALID_STATE` for anything else. */
  loadState(state: unknown): void {
    const candidate = state as Partial<OnnxTrainerState> | null;
    const isMapOrUndefined = (value: unknown): value is ParamMap | undefined => value === undefined || value instanceof Map;
    if (typeof candidate !== 'object' || candidate === null || !isMapOrUndefined(candidate.lastModel) || !isMapOrUndefined(candidate.localControl)) {
      throw trainingError(TrainingErrorCode.INVALID_STATE, `OnnxTrainer ${this.id}: loadState needs { lastModel, localControl } param maps`);
    }
    this.#lastModel = candidate.lastModel;
    this.#localControl = candidate.localControl;
  }

  #resolve(ctx: FLContext): Promise<Setup> {
    this.#setup ??= (async () => {
      const data = await resolveSiteData({ spec: this.args.dataset, site: ctx.siteName, logger: ctx.engine.logger });
      const jobDir = ctx.get<string>(ContextKey.JOB_DIR);
      const target = { features: data.train.data.features, classes: data.train.data.numClasses };
      const model = await prepareModel({ spec: this.args.model, target, ...(jobDir === undefined ? {} : { jobDir }) });
      ctx.engine.logger.debug({ site: ctx.siteName, examples: data.train.rows.length, test: data.test.rows.length, histogram: data.labelHistogram }, 'site data ready');
      return { data, model };
    })();
    const pending = this.#setup;
    pending.catch(() => {
      if (this.#setup === pending) this.#setup = undefined;
    });
    return pending;
  }

  async #lease(options: { readonly setup: Setup; readonly scaffold: boolean; readonly logger: Logger }): Promise<TrainerLease> {
    const { setup, scaffold } = options;
    const args = this.args;
    const programs = await compileTrainingPrograms({
      model: setup.model,
      optimizer: args.optimizer.spec,
      fedProx: args.fedproxMu > 0,
      scaffold,
      stepsPerRun: args.stepsPerRun,
    });
    return this.#pool.acquire({
      programs,
      sessions: { executionProviders: args.executionProviders, intraOpThreads: args.intraOpThreads },
      reusable: !setup.model.stochastic,
      logger: options.logger,
    });
  }

  /** The received model's tensors in the model's order, checked against it. */
  #checkModel(dxo: Dxo, model: PreparedModel): ParamMap {
    if (dxo.kind !== DataKind.WEIGHTS || dxo.params === undefined) {
      throw taskDataError(`OnnxTrainer ${this.id}: expected the model as a WEIGHTS DXO, got ${dxo.kind}`, { kind: dxo.kind });
    }
    const received = dxo.params;
    const params: ParamMap = new Map();
    for (const [name, expected] of model.model.params) {
      const t = received.get(name);
      if (t === undefined) throw taskDataError(`OnnxTrainer ${this.id}: the received model lacks tensor "${name}"`, { name });
      if (t.dtype !== expected.dtype || t.shape.length !== expected.shape.length || t.shape.some((d, i) => d !== expected.shape[i])) {
        throw taskDataError(`OnnxTrainer ${this.id}: received tensor "${name}" is ${describe(t)}, the model needs ${describe(expected)}`, { name });
      }
      params.set(name, t);
    }
    if (received.size !== params.size) {
      const extra = [...received.keys()].filter((name) => !params.has(name));
      throw taskDataError(`OnnxTrainer ${this.id}: the received model has tensors the model does not: ${extra.join(', ')}`, { extra });
    }
    return params;
  }

  #trainInput(data: Shareable): TrainInput {
    const dxo = data.dxo;
    if (dxo === undefined) throw taskDataError(`OnnxTrainer ${this.id}: the train task carries no DXO`);
    if (dxo.kind !== DataKind.COLLECTION) return { model: dxo, control: undefined };
    const model = dxo.items?.get(ScaffoldKey.MODEL);
    const control = dxo.items?.get(ScaffoldKey.CONTROL_GLOBAL);
    if (model === undefined || control?.params === undefined) {
      throw taskDataError(`OnnxTrainer ${this.id}: a COLLECTION train task needs items "${ScaffoldKey.MODEL}" and "${ScaffoldKey.CONTROL_GLOBAL}" (SCAFFOLD)`, {
        items: [...(dxo.items?.keys() ?? [])],
      });
    }
    return { model: model.withMeta({ ...dxo.meta, ...model.meta }), control: control.params };
  }

  /** c checked against the model: one tensor per float parameter, same shape. */
  #checkControl(control: ParamMap, model: PreparedModel): ParamMap {
    for (const [name, t] of model.model.params) {
      if (!isFloatDType(t.dtype)) continue;
      const c = control.get(name);
      if (c === undefined || c.dtype !== t.dtype || c.shape.length !== t.shape.length || c.shape.some((d, i) => d !== t.shape[i])) {
        throw taskDataError(`OnnxTrainer ${this.id}: SCAFFOLD control variate "${name}" is ${c === undefined ? 'missing' : describe(c)}, the model needs ${describe(t)}`, {
          name,
        });
      }
    }
    return control;
  }

  async #train(data: Shareable, ctx: FLContext, signal: AbortSignal): Promise<Shareable> {
    if (signal.aborted) throw new HearthError(CoreErrorCode.ABORTED, `OnnxTrainer ${this.id}: the train task was aborted before it started`);
    const input = this.#trainInput(data);
    const setup = await this.#resolve(ctx);
    const global = this.#checkModel(input.model, setup.model);
    const control = input.control === undefined ? undefined : this.#checkControl(input.control, setup.model);
    const round = data.numberHeader(HeaderKey.CURRENT_ROUND) ?? input.model.metaNumber(MetaKey.CURRENT_ROUND, 0);
    const totalRounds = input.model.metaNumber(MetaKey.TOTAL_ROUNDS, data.numberHeader(HeaderKey.NUM_ROUNDS) ?? 0);
    const args = this.args;
    const lr = learningRateAt({ schedule: args.lrSchedule, lr: args.lr, round, ...(totalRounds > 0 ? { totalRounds } : {}) });
    const runSeed = ctx.get<number>(ContextKey.SEED) ?? 0;
    const localControl = control === undefined ? undefined : (this.#localControl ?? zerosLike(control));
    const logger = ctx.engine.logger;
    const lease = await this.#lease({ setup, scaffold: control !== undefined, logger });
    let validation: LossAccuracy;
    let trained: Awaited<ReturnType<typeof trainEpochs>>;
    try {
      validation = await this.#evaluate({ lease, setup, params: global });
      trained = await trainEpochs({
        trainer: lease.trainer,
        params: global,
        rows: setup.data.train,
        exampleShape: setup.model.exampleShape,
        batchSize: args.batchSize,
        epochs: args.localEpochs,
        seedOf: (epoch) => deriveSeed([runSeed, setup.data.siteIndex, round, epoch]),
        hyper: { ...args.optimizer.hyper, lr, ...(args.fedproxMu > 0 ? { mu: args.fedproxMu } : {}) },
        ...(args.fedproxMu > 0 ? { anchor: global } : {}),
        ...(control === undefined || localControl === undefined ? {} : { control, localControl }),
        signal,
      });
    } finally {
      await lease.release();
    }
    this.#lastModel = trained.params;
    const metrics: JsonObject = {
      train_loss: finite(trained.loss),
      train_accuracy: finite(trained.accuracy),
      val_loss: finite(validation.loss),
      val_accuracy: finite(validation.accuracy),
    };
    logger.info({ site: ctx.siteName, round, lr, steps: trained.steps, examples: trained.examples, ...metrics }, 'local training done');
    this.#stream(ctx, { round, metrics });
    const meta: JsonObject = { [MetaKey.NUM_STEPS_CURRENT_ROUND]: trained.examples, metrics, [MetaKey.CURRENT_ROUND]: round };
    const update = this.#update({ global, local: trained.params, meta });
    if (control === undefined || localControl === undefined) return Shareable.fromDxo(update);
    const stepSize = scaffoldStepSize(args.optimizer, lr);
    const { next, diff } = scaffoldControlUpdate({ global, local: trained.params, control, localControl, steps: trained.steps, lr: stepSize, trainable: setup.model.model.roles });
    this.#localControl = next;
    const items = new Map([
      [ScaffoldKey.MODEL, update],
      [ScaffoldKey.CONTROL_DIFF, new Dxo({ kind: DataKind.WEIGHTS, params: diff })],
    ]);
    return Shareable.fromDxo(new Dxo({ kind: DataKind.COLLECTION, items, meta }));
  }

  #update(options: { readonly global: ParamMap; readonly local: ParamMap; readonly meta: JsonObject }): Dxo {
    const { global, local, meta } = options;
    if (this.args.returnKind === 'weights') return new Dxo({ kind: DataKind.WEIGHTS, params: local, meta });
    const diff: ParamMap = new Map();
    for (const [name, t] of local) {
      const base = global.get(name);
      if (base === undefined || !isFloatDType(t.dtype)) continue;
      const out = t.data.slice() as Float32Array | Float64Array;
      const from = base.data as Float32Array | Float64Array;
      for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) - (from[i] as number);
      diff.set(name, { dtype: t.dtype, shape: [...t.shape], data: out });
    }
    return new Dxo({ kind: DataKind.WEIGHT_DIFF, params: diff, meta });
  }

  #evaluate(options: { readonly lease: TrainerLease; readonly setup: Setup; readonly params: ParamMap }): Promise<LossAccuracy> {
    const { setup } = options;
    return evaluateRows({
      trainer: options.lease.trainer,
      params: options.params,
      rows: setup.data.test,
      exampleShape: setup.model.exampleShape,
      batchSize: this.args.evalBatchSize,
    });
  }

  #stream(ctx: FLContext, options: { readonly round: number; readonly metrics: JsonObject }): void {
    const send = ctx.engine.sendAnalytics;
    if (send === undefined) return;
    for (const [key, value] of Object.entries(options.metrics)) {
      if (typeof value === 'number') send.call(ctx.engine, { key, value, step: options.round }, ctx);
    }
  }

  async #validate(data: Shareable, ctx: FLContext): Promise<Shareable> {
    const dxo = data.dxo;
    if (dxo === undefined) throw taskDataError(`OnnxTrainer ${this.id}: the validate task carries no DXO`);
    const setup = await this.#resolve(ctx);
    const params = this.#checkModel(dxo, setup.model);
    const lease = await this.#lease({ setup, scaffold: false, logger: ctx.engine.logger });
    let result: LossAccuracy;
    try {
      result = await this.#evaluate({ lease, setup, params });
    } finally {
      await lease.release();
    }
    const values: JsonObject = { val_loss: finite(result.loss), val_accuracy: finite(result.accuracy), val_examples: result.examples };
    const owner = dxo.meta[MetaKey.MODEL_OWNER];
    ctx.engine.logger.info({ site: ctx.siteName, modelOwner: owner ?? null, ...values }, 'validation done');
    return Shareable.fromDxo(new Dxo({ kind: DataKind.METRICS, values, meta: owner === undefined ? {} : { [MetaKey.MODEL_OWNER]: owner } }));
  }

  #submitModel(ctx: FLContext): Shareable {
    const model = this.#lastModel;
    if (model === undefined) {
      throw trainingError(TrainingErrorCode.NO_LOCAL_MODEL, `OnnxTrainer ${this.id} on ${ctx.siteName} has not trained a model yet; run a train task first`, {
        context: { site: ctx.siteName },
      });
    }
    return Shareable.fromDxo(new Dxo({ kind: DataKind.WEIGHTS, params: model, meta: { [MetaKey.MODEL_OWNER]: ctx.siteName } }));
  }
}
