import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeShareable, encodeShareable, readSafetensorsFile } from '@hearth/codec';
import { DataKind, Dxo, Executor, MetaKey, ReturnCode, Shareable, f64 } from '@hearth/core';
import type { FLContext, JsonObject, ParamMap } from '@hearth/core';
import { RunStatus, Simulator } from '@hearth/engine';
import type { ClientApp, ServerApp } from '@hearth/engine';
import { buildServerApp } from '@hearth/job';
import type { ServerAppConfig } from '@hearth/job';
import { ScaffoldKey, isController } from '@hearth/workflow';
import type { CrossSiteModelEval, ScatterAndGather, ScatterAndGatherScaffold } from '@hearth/workflow';
import { createBuiltinRegistry } from './builtin-registry.js';

/**
 * Site i minimizes f_i(x) = ½ Σ_d a_i[d] (x[d] − b_i[d])². The federation's optimum is x*[d] = Σ a b / Σ a;
 * FedAvg with K local steps drifts away from it (clients with large a pull harder), SCAFFOLD does not.
 */
const SITES: Record<string, { readonly a: readonly number[]; readonly b: readonly number[] }> = {
  'site-1': { a: [1, 2], b: [1, -1] },
  'site-2': { a: [4, 1], b: [2, 3] },
  'site-3': { a: [10, 3], b: [6, 0] },
};
const CLIENTS = Object.keys(SITES);
const LOCAL_STEPS = 5;
const LOCAL_LR = 0.05;

/** x*[0] = (1 + 8 + 60) / 15 = 4.6, x*[1] = (−2 + 3 + 0) / 6 = 1/6. */
const OPTIMUM = [4.6, 1 / 6];

/** FedAvg's fixed point: after K steps y = b + r (x − b) with r = (1 − η a)^K, and x = mean(y) gives x = Σ b (1 − r) / Σ (1 − r). */
function fedAvgFixedPoint(): number[] {
  return [0, 1].map((d) => {
    let num = 0;
    let den = 0;
    for (const { a, b } of Object.values(SITES)) {
      const keep = 1 - (1 - LOCAL_LR * a[d]!) ** LOCAL_STEPS;
      num += b[d]! * keep;
      den += keep;
    }
    return num / den;
  });
}

function siteOf(ctx: FLContext): { readonly a: readonly number[]; readonly b: readonly number[] } {
  const site = SITES[ctx.siteName];
  if (site === undefined) throw new Error(`no objective for ${ctx.siteName}`);
  return site;
}

function loss(site: { readonly a: readonly number[]; readonly b: readonly number[] }, x: ArrayLike<number>): number {
  let sum = 0;
  for (let d = 0; d < 2; d++) sum += 0.5 * site.a[d]! * ((x[d] as number) - site.b[d]!) ** 2;
  return sum;
}

function vector(dxo: Dxo | undefined): Float64Array {
  const t = dxo?.params?.get('x');
  if (t === undefined || t.dtype !== 'F64') throw new Error('expected an F64 tensor x');
  return Float64Array.from(t.data as Float64Array);
}

const params = (x: ArrayLike<number>): ParamMap => new Map([['x', f64([2], x)]]);

/** `submit_model` gives the site's own optimum; `validate` reports the site's loss on the model it got. */
function evaluate(taskName: string, data: Shareable, ctx: FLContext): Shareable | undefined {
  const site = siteOf(ctx);
  if (taskName === 'submit_model') return Shareable.fromDxo(new Dxo({ kind: DataKind.WEIGHTS, params: params(site.b) }));
  if (taskName !== 'validate') return undefined;
  if (ctx.siteName === 'site-3' && data.dxo?.meta[MetaKey.MODEL_OWNER] === 'site-1') {
    return Shareable.withReturnCode(ReturnCode.EXECUTION_EXCEPTION, 'site-3 cannot read site-1 models');
  }
  return Shareable.fromDxo(new Dxo({ kind: DataKind.METRICS, values: { val_loss: loss(site, vector(data.dxo)) } }));
}

/** FedAvg client: K gradient steps from the global model; returns WEIGHT_DIFF with the loss of the model it got. */
class QuadraticTrainer extends Executor {
  execute(taskName: string, data: Shareable, ctx: FLContext): Promise<Shareable> {
    const evaluated = evaluate(taskName, data, ctx);
    if (evaluated !== undefined) return Promise.resolve(evaluated);
    const site = siteOf(ctx);
    const x = vector(data.dxo);
    const y = Float64Array.from(x);
    for (let k = 0; k < LOCAL_STEPS; k++) for (let d = 0; d < 2; d++) y[d] = y[d]! - LOCAL_LR * site.a[d]! * (y[d]! - site.b[d]!);
    const meta: JsonObject = { [MetaKey.NUM_STEPS_CURRENT_ROUND]: LOCAL_STEPS, metrics: { val_loss: loss(site, x) } };
    return Promise.resolve(Shareable.fromDxo(new Dxo({ kind: DataKind.WEIGHT_DIFF, params: params(y.map((v, d) => v - x[d]!)), meta })));
  }
}

/**
 * SCAFFOLD client (option II of the paper): y ← y − η_l (g_i(y) − c_i + c) for K steps; then
 * c_i⁺ = c_i − c + (x − y) / (K η_l). Returns Δy and Δc_i = c_i⁺ − c_i; keeps c_i across swap-outs.
 */
class ScaffoldTrainer extends Executor {
  #ci = new Float64Array(2);

  execute(taskName: string, data: Shareable, ctx: FLContext): Promise<Shareable> {
    const evaluated = evaluate(taskName, data, ctx);
    if (evaluated !== undefined) return Promise.resolve(evaluated);
    const site = siteOf(ctx);
    const x = vector(data.dxo?.items?.get(ScaffoldKey.MODEL));
    const c = vector(data.dxo?.items?.get(ScaffoldKey.CONTROL_GLOBAL));
    const y = Float64Array.from(x);
    for (let k = 0; k < LOCAL_STEPS; k++) {
      for (let d = 0; d < 2; d++) y[d] = y[d]! - LOCAL_LR * (site.a[d]! * (y[d]! - site.b[d]!) - this.#ci[d]! + c[d]!);
    }
    const next = this.#ci.map((ci, d) => ci - c[d]! + (x[d]! - y[d]!) / (LOCAL_STEPS * LOCAL_LR));
    const items = new Map([
      [ScaffoldKey.MODEL, new Dxo({ kind: DataKind.WEIGHT_DIFF, params: params(y.map((v, d) => v - x[d]!)), meta: { [MetaKey.NUM_STEPS_CURRENT_ROUND]: LOCAL_STEPS } })],
      [ScaffoldKey.CONTROL_DIFF, new Dxo({ kind: DataKind.WEIGHTS, params: params(next.map((v, d) => v - this.#ci[d]!)) })],
    ]);
    this.#ci = next;
    return Promise.resolve(Shareable.fromDxo(new Dxo({ kind: DataKind.COLLECTION, items })));
  }

  saveState(): number[] {
    return [...this.#ci];
  }

  loadState(state: unknown): void {
    this.#ci = Float64Array.from(state as number[]);
  }
}

const persistor = { id: 'persistor', type: 'SafetensorsPersistor', args: { initial_params: { x: { shape: [2], dtype: 'F64' } } } };

async function serverApp(config: ServerAppConfig): Promise<ServerApp> {
  const built = await buildServerApp(config, { registry: createBuiltinRegistry(), jobDir: workspace });
  return { ...built, workflows: built.workflows.filter(isController) };
}

function clientApp(executor: Executor): ClientApp {
  return { components: new Map(), executors: [{ tasks: ['train', 'submit_model', 'validate'], executor }], taskDataFilters: [], taskResultFilters: [] };
}

async function simulate(app: ServerApp, executor: () => Executor): Promise<void> {
  const simulator = new Simulator({
    clients: CLIENTS,
    threads: 2,
    serverApp: app,
    clientAppFactory: () => clientApp(executor()),
    codec: { encode: encodeShareable, decode: decodeShareable },
    workspaceDir: workspace,
  });
  const result = await simulator.run();
  expect(result.status).toBe(RunStatus.COMPLETED);
}

let workspace: string;
beforeEach(async () => {
  workspace = await mkdtemp(join(tmpdir(), 'hearth-algorithms-'));
});
afterEach(() => rm(workspace, { recursive: true, force: true }));

describe('federated algorithms in the simulator', () => {
  it('FedOpt (FedAdam) converges to the FedAvg fixed point, keeps the best model, and cross-site evaluates it', async () => {
    const app = await serverApp({
      format_version: 2,
      components: [
        persistor,
        { id: 'aggregator', type: 'WeightedAggregator', args: { expected_data_kind: 'WEIGHT_DIFF' } },
        { id: 'optimizer', type: 'ServerOptimizer', args: { optimizer: 'adam', learning_rate: 0.1 } },
      ],
      workflows: [
        {
          id: 'fedopt',
          type: 'ScatterAndGather',
          args: { min_clients: 3, num_rounds: 250, wait_time_after_min_received: 0, model_updater_id: 'optimizer', best_metric: 'val_loss', best_mode: 'min' },
        },
        { id: 'cross_site', type: 'CrossSiteModelEval', args: { model_locator_id: 'persistor', server_model_name: 'best' } },
      ],
    });
    await simulate(app, () => new QuadraticTrainer());

    const fedopt = app.components.get('fedopt') as ScatterAndGather;
    const x = vector(fedopt.globalModel);
    const fixedPoint = fedAvgFixedPoint();
    expect(x[0]).toBeCloseTo(fixedPoint[0]!, 4);
    expect(x[1]).toBeCloseTo(fixedPoint[1]!, 4);
    expect(Math.abs(fixedPoint[0]! - OPTIMUM[0]!)).toBeGreaterThan(0.5);

    const best = fedopt.bestRound!;
    expect(fedopt.history.filter((s) => s.best === true).at(-1)?.round).toBe(best.round);
    const bestModel = (await readSafetensorsFile(join(workspace, 'server', 'models', 'best.safetensors'))).params.get('x')!.data as Float64Array;
    const meanLoss = CLIENTS.reduce((sum, site) => sum + loss(SITES[site]!, bestModel), 0) / CLIENTS.length;
    expect(meanLoss).toBeCloseTo(best.value, 10);

    const results = (app.components.get('cross_site') as CrossSiteModelEval).results!;
    expect(results.models).toEqual(['server', ...CLIENTS]);
    for (const site of CLIENTS) {
      expect(results.results['server']?.[site]?.['val_loss']).toBeCloseTo(loss(SITES[site]!, bestModel), 10);
      expect(results.results['site-2']?.[site]?.['val_loss']).toBeCloseTo(loss(SITES[site]!, SITES['site-2']!.b), 10);
    }
    expect(results.results['site-1']?.['site-3']).toBeNull();
    expect(results.problems).toEqual([
      { model: 'site-1', site: 'site-3', task: 'validate', reason: 'return code EXECUTION_EXCEPTION: site-3 cannot read site-1 models' },
    ]);
    const folder = join(workspace, 'server', 'cross_site_val');
    expect((await readdir(folder)).sort()).toEqual(['cross_val_results.json', 'cross_val_results.md']);
    expect(JSON.parse(await readFile(join(folder, 'cross_val_results.json'), 'utf8'))).toEqual(results);
  });

  it('SCAFFOLD corrects client drift and converges to the true optimum', async () => {
    const app = await serverApp({
      format_version: 2,
      components: [persistor, { id: 'aggregator', type: 'WeightedAggregator', args: { expected_data_kind: 'WEIGHT_DIFF' } }],
      workflows: [{ id: 'scaffold', type: 'ScatterAndGatherScaffold', args: { min_clients: 3, num_rounds: 60, wait_time_after_min_received: 0 } }],
    });
    await simulate(app, () => new ScaffoldTrainer());
    const scaffold = app.components.get('scaffold') as ScatterAndGatherScaffold;
    const x = vector(scaffold.globalModel);
    expect(x[0]).toBeCloseTo(OPTIMUM[0]!, 8);
    expect(x[1]).toBeCloseTo(OPTIMUM[1]!, 8);
    const c = scaffold.controlVariate!.get('x')!.data as Float64Array;
    const gradientMean = [0, 1].map((d) => CLIENTS.reduce((sum, site) => sum + SITES[site]!.a[d]! * (x[d]! - SITES[site]!.b[d]!), 0) / CLIENTS.length);
    expect(c[0]).toBeCloseTo(gradientMean[0]!, 6);
    expect(c[1]).toBeCloseTo(gradientMean[1]!, 6);
    const final = (await readSafetensorsFile(join(workspace, 'server', 'models', 'final.safetensors'))).params.get('x')!.data;
    expect(Array.from(final as Float64Array)).toEqual(Array.from(x));
  });
});
