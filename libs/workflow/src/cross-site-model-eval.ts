import { join } from 'node:path';
import { DataKind, HeaderKey, MetaKey, ReturnCode, Shareable, TaskCompletionStatus, resolveInside, writeFileAtomic, writeJsonAtomic } from '@hearth/core';
import type { Dxo, FLContext, TaskCompletionStatusValue } from '@hearth/core';
import { WorkflowContextKey } from './context-keys.js';
import { Controller } from './controller.js';
import { createTask } from './create-task.js';
import { CrossSiteMatrix } from './cross-site-matrix.js';
import type { CrossSiteResults, SiteMetrics } from './cross-site-matrix.js';
import { WorkflowErrorCode, workflowError } from './errors.js';
import { durationArg, nameArg, optionalNameArg } from './internal/check-args.js';
import { requireComponent } from './internal/require-component.js';
import { checkTargets } from './internal/validate-options.js';
import { isModelLocator } from './model-locator.js';
import type { ModelLocator } from './model-locator.js';

/** The row name of the server's global model in the cross-site matrix. */
export const SERVER_MODEL_OWNER = 'server';

/** The `validate_type` meta value of cross-site validation tasks. */
export const MODEL_VALIDATION = 'model_validation';

/** Arguments of {@link CrossSiteModelEval}, as a job's `config_fed_server.json` gives them. */
export interface CrossSiteModelEvalArgs {
  /** Task that asks a client for its local model. @default 'submit_model' */
  readonly submitModelTaskName?: string;
  /** Task that asks a client to evaluate a model. @default 'validate' */
  readonly validationTaskName?: string;
  /** How long a client may take to submit its model; 0 waits forever. @default 600000 */
  readonly submitModelTimeoutMs?: number;
  /** How long a client may take to evaluate one model; 0 waits forever. @default 6000000 */
  readonly validationTimeoutMs?: number;
  /** Clients whose models are evaluated and who evaluate. @default every client connected when the workflow starts */
  readonly participatingClients?: readonly string[];
  /**
   * Component id of a ModelLocator (the SafetensorsPersistor is one) holding the server's global model. Undefined
   * takes the global model the previous workflow left in the run context, if any. @default undefined
   */
  readonly modelLocatorId?: string;
  /** Name (persistor tag) of the server's model at the locator, e.g. `best`. @default 'final' */
  readonly serverModelName?: string;
  /** Folder under the server workspace for `cross_val_results.json` and `.md`. @default 'cross_site_val' */
  readonly resultsDir?: string;
}

/** {@link CrossSiteModelEvalArgs} with every default applied and every value checked. */
export type CompiledCrossSiteModelEvalArgs = Required<Omit<CrossSiteModelEvalArgs, 'participatingClients' | 'modelLocatorId'>> & {
  readonly participatingClients: readonly string[] | undefined;
  readonly modelLocatorId: string | undefined;
};

/** Checks `args` and fills in the defaults; throws HEARTH_ERR_WORKFLOW_INVALID_ARGS naming the bad argument. */
export function compileCrossSiteModelEvalArgs(args: CrossSiteModelEvalArgs): CompiledCrossSiteModelEvalArgs {
  const workflow = 'CrossSiteModelEval';
  let participatingClients: readonly string[] | undefined;
  if (args.participatingClients !== undefined) {
    try {
      participatingClients = checkTargets(args.participatingClients, `${workflow}: participatingClients`);
    } catch (err) {
      throw workflowError(WorkflowErrorCode.INVALID_ARGS, (err as Error).message, { participatingClients: args.participatingClients });
    }
    if (participatingClients.length === 0) {
      throw workflowError(WorkflowErrorCode.INVALID_ARGS, `${workflow}: participatingClients is empty; leave it out to take every client`);
    }
  }
  return {
    submitModelTaskName: nameArg(args.submitModelTaskName ?? 'submit_model', { workflow, name: 'submitModelTaskName' }),
    validationTaskName: nameArg(args.validationTaskName ?? 'validate', { workflow, name: 'validationTaskName' }),
    submitModelTimeoutMs: durationArg(args.submitModelTimeoutMs ?? 600_000, { workflow, name: 'submitModelTimeoutMs' }),
    validationTimeoutMs: durationArg(args.validationTimeoutMs ?? 6_000_000, { workflow, name: 'validationTimeoutMs' }),
    participatingClients,
    modelLocatorId: optionalNameArg(args.modelLocatorId, { workflow, name: 'modelLocatorId' }),
    serverModelName: nameArg(args.serverModelName ?? 'final', { workflow, name: 'serverModelName' }),
    resultsDir: nameArg(args.resultsDir ?? 'cross_site_val', { workflow, name: 'resultsDir' }),
  };
}

/** Why a reply is unusable, from the task's status and the reply itself. */
function failureOf(status: TaskCompletionStatusValue, result: Shareable | undefined): string | undefined {
  if (status !== TaskCompletionStatus.OK || result === undefined) return status === TaskCompletionStatus.OK ? 'no reply' : status;
  if (result.returnCode !== ReturnCode.OK) {
    const message = result.stringHeader(HeaderKey.ERROR_MESSAGE);
    return message === undefined ? `return code ${result.returnCode}` : `return code ${result.returnCode}: ${message}`;
  }
  return undefined;
}

/** Why `value` is not a WEIGHTS DXO with tensors, or undefined when it is one (structural, across package copies). */
function notWeights(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'no DXO';
  const { kind, params } = value as Partial<Dxo>;
  if (kind !== DataKind.WEIGHTS) return `a ${String(kind)} DXO`;
  return params instanceof Map ? undefined : 'a WEIGHTS DXO without tensors';
}

interface Evaluation {
  readonly matrix: CrossSiteMatrix;
  readonly targets: readonly string[];
  readonly signal: AbortSignal;
}

/**
 * Cross-site model evaluation (NVFlare's CrossSiteModelEval). Every participating client is asked for its
 * local model (`submit_model`, answered with a WEIGHTS DXO); every client then evaluates every submitted model
 * and the server's global model (`validate`: a WEIGHTS DXO with meta `model_owner` and `validate_type`
 * `model_validation`, answered with a METRICS DXO of numbers). Each (model, site) pair is its own task with
 * its own timeout, and a model is sent out for validation as soon as it arrives, so a slow or dead client
 * only empties its own cells; the run goes on.
 *
 * The matrix (rows: model owner, `server` for the global model; columns: validating site) is written to
 * `<server workspace>/<resultsDir>/cross_val_results.json` and `.md`, and left in the run context as
 * {@link WorkflowContextKey.CROSS_SITE_RESULTS}.
 *
 * The server's model comes from the model locator (`modelLocatorId`, `serverModelName`), else from the run
 * context where ScatterAndGather leaves its final model; without either only client models are evaluated.
 */
export class CrossSiteModelEval extends Controller {
  /** The checked arguments. */
  readonly args: CompiledCrossSiteModelEvalArgs;
  #locator: ModelLocator | undefined;
  #results: CrossSiteResults | undefined;

  constructor(args: CrossSiteModelEvalArgs = {}) {
    super();
    this.args = compileCrossSiteModelEvalArgs(args);
  }

  /** The matrix of the last completed run. */
  get results(): CrossSiteResults | undefined {
    return this.#results;
  }

  /** Resolves the model locator by id. */
  override start(ctx: FLContext): void {
    const id = this.args.modelLocatorId;
    if (id === undefined) return;
    this.#locator = requireComponent(ctx, { id, kind: 'ModelLocator', requester: `CrossSiteModelEval ${this.id}`, is: isModelLocator });
  }

  /** Collects and evaluates the models, then writes the matrix; returns early, writing nothing, when `signal` aborts. */
  override async run(ctx: FLContext, signal: AbortSignal): Promise<void> {
    const targets = this.args.participatingClients ?? [...this.host.clients()];
    if (targets.length === 0) throw workflowError(WorkflowErrorCode.NO_CLIENTS, `CrossSiteModelEval ${this.id}: no clients to evaluate with`);
    const serverModel = await this.#serverModel(ctx);
    const models = serverModel === undefined ? [...targets] : [SERVER_MODEL_OWNER, ...targets];
    const evaluation: Evaluation = { matrix: new CrossSiteMatrix({ models, sites: targets }), targets, signal };
    const jobs = targets.map((owner) => this.#collect(owner, evaluation));
    if (serverModel !== undefined) jobs.unshift(this.#validateEverywhere({ owner: SERVER_MODEL_OWNER, model: serverModel }, evaluation));
    await Promise.all(jobs);
    if (signal.aborted) return;
    const results = evaluation.matrix.toJSON();
    const dir = resolveInside({ root: ctx.engine.workspaceDir, path: this.args.resultsDir, what: 'results_dir' });
    await writeJsonAtomic(join(dir, 'cross_val_results.json'), results);
    await writeFileAtomic(join(dir, 'cross_val_results.md'), evaluation.matrix.toMarkdown());
    this.#results = results;
    ctx.set(WorkflowContextKey.CROSS_SITE_RESULTS, results);
    this.host.logger.info({ workflow: this.id, dir, models: models.length, sites: targets.length, problems: results.problems.length }, 'cross-site validation written');
  }

  async #serverModel(ctx: FLContext): Promise<Dxo | undefined> {
    const locator = this.#locator;
    if (locator !== undefined) {
      const name = this.args.serverModelName;
      const model = await locator.locateModel(name, ctx);
      const problem = model === undefined ? 'nothing' : notWeights(model);
      if (problem !== undefined || model === undefined) {
        throw workflowError(
          WorkflowErrorCode.INVALID_MODEL,
          `CrossSiteModelEval ${this.id}: model locator ${this.args.modelLocatorId ?? ''} returned ${problem ?? 'nothing'} for "${name}"; expected a WEIGHTS DXO`,
          { name },
        );
      }
      return model;
    }
    const fromContext = ctx.get<unknown>(WorkflowContextKey.GLOBAL_MODEL);
    if (fromContext === undefined) {
      this.host.logger.info({ workflow: this.id }, 'no server model in the run context; evaluating the client models only');
      return undefined;
    }
    const problem = notWeights(fromContext);
    if (problem !== undefined) {
      throw workflowError(WorkflowErrorCode.INVALID_MODEL, `CrossSiteModelEval ${this.id}: the run context's global model is ${problem}, not a WEIGHTS DXO`);
    }
    return fromContext as Dxo;
  }

  /** Asks `owner` for its model, then has every site evaluate it. */
  async #collect(owner: string, evaluation: Evaluation): Promise<void> {
    const taskName = this.args.submitModelTaskName;
    const task = createTask({ name: taskName, data: new Shareable(), timeoutMs: this.args.submitModelTimeoutMs });
    const status = await this.sendAndWait(task, { targets: [owner], signal: evaluation.signal });
    if (evaluation.signal.aborted) return;
    const result = task.clientTasks[0]?.result;
    const malformed = notWeights(result?.dxo);
    const failure = failureOf(status, result) ?? (malformed === undefined ? undefined : `expected a WEIGHTS DXO, got ${malformed}`);
    if (failure !== undefined || result?.dxo === undefined) {
      const reason = failure ?? 'no model';
      this.host.logger.warn({ workflow: this.id, client: owner, reason }, 'no model submitted; its row stays empty');
      evaluation.matrix.problem({ model: owner, task: taskName, reason });
      return;
    }
    await this.#validateEverywhere({ owner, model: result.dxo }, evaluation);
  }

  #validateEverywhere(input: { readonly owner: string; readonly model: Dxo }, evaluation: Evaluation): Promise<void> {
    const data = Shareable.fromDxo(input.model.withMeta({ [MetaKey.MODEL_OWNER]: input.owner, [MetaKey.VALIDATE_TYPE]: MODEL_VALIDATION }));
    return Promise.all(evaluation.targets.map((site) => this.#validate({ owner: input.owner, site, data }, evaluation))).then(() => undefined);
  }

  async #validate(input: { readonly owner: string; readonly site: string; readonly data: Shareable }, evaluation: Evaluation): Promise<void> {
    const { owner, site } = input;
    const taskName = this.args.validationTaskName;
    const task = createTask({ name: taskName, data: input.data, timeoutMs: this.args.validationTimeoutMs });
    const status = await this.sendAndWait(task, { targets: [site], signal: evaluation.signal });
    if (evaluation.signal.aborted) return;
    const result = task.clientTasks[0]?.result;
    const metrics = failureOf(status, result) ?? metricsOf(result?.dxo);
    if (typeof metrics === 'string') {
      this.host.logger.warn({ workflow: this.id, model: owner, client: site, reason: metrics }, 'no validation result; the cell stays empty');
      evaluation.matrix.problem({ model: owner, site, task: taskName, reason: metrics });
      return;
    }
    evaluation.matrix.record({ model: owner, site, metrics });
  }
}

/** The finite numbers of a METRICS DXO, or why there are none. */
function metricsOf(dxo: Dxo | undefined): SiteMetrics | string {
  if (dxo?.kind !== DataKind.METRICS || dxo.values === undefined) return `expected a METRICS DXO, got ${dxo?.kind ?? 'no DXO'}`;
  const metrics: Record<string, number> = {};
  for (const [name, value] of Object.entries(dxo.values)) {
    if (typeof value === 'number' && Number.isFinite(value)) metrics[name] = value;
  }
  return Object.keys(metrics).length === 0 ? 'the METRICS DXO holds no finite number' : metrics;
}
