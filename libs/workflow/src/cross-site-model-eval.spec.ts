import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataKind, Dxo, FLComponent, MetaKey, ReturnCode, Shareable, f64 } from '@hearth/core';
import type { FLContext } from '@hearth/core';
import { WorkflowContextKey } from './context-keys.js';
import type { PushTaskRequest } from './controller-host.js';
import { CrossSiteModelEval, MODEL_VALIDATION } from './cross-site-model-eval.js';
import type { CrossSiteModelEvalArgs } from './cross-site-model-eval.js';
import type { CrossSiteResults } from './cross-site-matrix.js';
import { WorkflowErrorCode } from './errors.js';
import type { ModelLocator } from './model-locator.js';
import { FakeHost } from './testing/fake-host.js';
import { firstWeight } from './testing/toy-components.js';

const weights = (w: number): Dxo => new Dxo({ kind: DataKind.WEIGHTS, params: new Map([['w', f64([1], [w])]]) });

/** Each client's local model, and what its validation adds to a model's weight. */
const LOCAL: Record<string, number> = { a: 1, b: 2, c: 3 };
const OFFSET: Record<string, number> = { a: 0.1, b: 0.2, c: 0.3 };

/** submit_model: the local model; validate: score = model weight + the site's offset. */
function client(request: PushTaskRequest): Shareable | undefined {
  if (request.taskName === 'submit_model') return Shareable.fromDxo(weights(LOCAL[request.client]!));
  return Shareable.fromDxo(new Dxo({ kind: DataKind.METRICS, values: { score: firstWeight(request.data) + OFFSET[request.client]!, note: 'text' } }));
}

class BestLocator extends FLComponent implements ModelLocator {
  locateModel(name: string): Promise<Dxo | undefined> {
    return Promise.resolve(name === 'best' ? weights(20) : undefined);
  }
}

let workspace: string;
beforeEach(async () => {
  workspace = await mkdtemp(join(tmpdir(), 'hearth-cse-'));
});
afterEach(async () => {
  jest.useRealTimers();
  await rm(workspace, { recursive: true, force: true });
});

function setup(options: { readonly args?: CrossSiteModelEvalArgs; readonly reply?: (request: PushTaskRequest) => Shareable | undefined; readonly serverModel?: Dxo }) {
  const components = new Map<string, FLComponent>([['locator', new BestLocator()]]);
  const host = new FakeHost({ clients: ['a', 'b', 'c'], components, reply: options.reply ?? client, workspaceDir: workspace });
  const cse = host.attach(new CrossSiteModelEval(options.args));
  cse.id = 'cross_site_eval';
  const ctx = host.newContext();
  if (options.serverModel !== undefined) ctx.set(WorkflowContextKey.GLOBAL_MODEL, options.serverModel);
  const run = async (signal = new AbortController().signal): Promise<void> => {
    cse.start(ctx);
    await cse.run(ctx, signal);
  };
  return { host, cse, ctx, run };
}

async function written(): Promise<{ json: CrossSiteResults; md: string }> {
  const dir = join(workspace, 'cross_site_val');
  return {
    json: JSON.parse(await readFile(join(dir, 'cross_val_results.json'), 'utf8')) as CrossSiteResults,
    md: await readFile(join(dir, 'cross_val_results.md'), 'utf8'),
  };
}

describe('CrossSiteModelEval', () => {
  it('fills the matrix for the server model and every client model; a timeout and an error leave empty cells', async () => {
    jest.useFakeTimers();
    const reply = (request: PushTaskRequest): Shareable | undefined => {
      const owner = request.data.dxo?.meta[MetaKey.MODEL_OWNER];
      if (request.taskName === 'validate' && owner === 'b' && request.client === 'c') return undefined;
      if (request.taskName === 'validate' && owner === 'server' && request.client === 'b') return Shareable.withReturnCode(ReturnCode.EXECUTION_EXCEPTION, 'out of memory');
      return client(request);
    };
    const { host, cse, ctx, run } = setup({ args: { validationTimeoutMs: 5000 }, reply, serverModel: weights(10) });
    const running = run();
    await jest.advanceTimersByTimeAsync(4999);
    expect(cse.results).toBeUndefined();
    await jest.advanceTimersByTimeAsync(1);
    await running;
    const expected: CrossSiteResults = {
      models: ['server', 'a', 'b', 'c'],
      sites: ['a', 'b', 'c'],
      metrics: ['score'],
      results: {
        server: { a: { score: 10.1 }, b: null, c: { score: 10.3 } },
        a: { a: { score: 1.1 }, b: { score: 1.2 }, c: { score: 1.3 } },
        b: { a: { score: 2.1 }, b: { score: 2.2 }, c: null },
        c: { a: { score: 3.1 }, b: { score: 3.2 }, c: { score: 3.3 } },
      },
      problems: [
        { model: 'server', site: 'b', task: 'validate', reason: 'return code EXECUTION_EXCEPTION: out of memory' },
        { model: 'b', site: 'c', task: 'validate', reason: 'timeout' },
      ],
    };
    expect(cse.results).toEqual(expected);
    expect(ctx.get(WorkflowContextKey.CROSS_SITE_RESULTS)).toEqual(expected);
    const { json, md } = await written();
    expect(json).toEqual(expected);
    expect(md).toContain('| server | 10.1 |  | 10.3 |');
    expect(md).toContain('| b | 2.1 | 2.2 |  |');
    expect(md).toContain('- model b at c: validate timeout');
    expect(host.revoked.map((r) => r.client)).toEqual(['c']);
    const validations = host.pushed.filter((r) => r.taskName === 'validate');
    expect(validations).toHaveLength(12);
    expect(validations[0]!.data.dxo?.meta).toMatchObject({ [MetaKey.MODEL_OWNER]: 'server', [MetaKey.VALIDATE_TYPE]: MODEL_VALIDATION });
  });

  it('leaves the row of a client that submits no model empty and sends that model nowhere', async () => {
    const reply = (request: PushTaskRequest): Shareable | undefined =>
      request.taskName === 'submit_model' && request.client === 'c'
        ? Shareable.fromDxo(new Dxo({ kind: DataKind.METRICS, values: { not: 1 } }))
        : client(request);
    const { host, cse, run } = setup({ reply });
    await run();
    expect(cse.results?.models).toEqual(['a', 'b', 'c']);
    expect(cse.results?.results['c']).toEqual({ a: null, b: null, c: null });
    expect(cse.results?.results['a']).toEqual({ a: { score: 1.1 }, b: { score: 1.2 }, c: { score: 1.3 } });
    expect(cse.results?.problems).toEqual([{ model: 'c', task: 'submit_model', reason: 'expected a WEIGHTS DXO, got a METRICS DXO' }]);
    expect(host.pushed.filter((r) => r.taskName === 'validate').map((r) => r.data.dxo?.meta[MetaKey.MODEL_OWNER])).not.toContain('c');
  });

  it('takes the server model from a model locator by name, and fails before sending anything when it is missing', async () => {
    const found = setup({ args: { modelLocatorId: 'locator', serverModelName: 'best' }, serverModel: weights(10) });
    await found.run();
    expect(found.cse.results?.results['server']).toEqual({ a: { score: 20.1 }, b: { score: 20.2 }, c: { score: 20.3 } });
    const missing = setup({ args: { modelLocatorId: 'locator' } });
    await expect(missing.run()).rejects.toMatchObject({
      code: WorkflowErrorCode.INVALID_MODEL,
      message: 'CrossSiteModelEval cross_site_eval: model locator locator returned nothing for "final"; expected a WEIGHTS DXO',
    });
    expect(missing.host.pushed).toHaveLength(0);
  });

  it('evaluates only the participating clients, and writes nothing when aborted', async () => {
    const some = setup({ args: { participatingClients: ['c', 'a'] }, serverModel: weights(0) });
    await some.run();
    expect(some.cse.results?.models).toEqual(['server', 'c', 'a']);
    expect(some.cse.results?.sites).toEqual(['c', 'a']);
    expect(some.host.pushed.map((r) => r.client)).not.toContain('b');
    await rm(join(workspace, 'cross_site_val'), { recursive: true });

    const abort = new AbortController();
    const stalled = setup({ reply: () => undefined });
    const running = stalled.run(abort.signal);
    await new Promise((resolve) => setImmediate(resolve));
    abort.abort();
    await running;
    expect(stalled.cse.results).toBeUndefined();
    expect(await readdir(workspace)).toEqual([]);
  });

  it('refuses bad arguments and a missing or mistyped locator', () => {
    const code = { code: WorkflowErrorCode.INVALID_ARGS };
    expect(() => new CrossSiteModelEval({ participatingClients: [] })).toThrow(expect.objectContaining(code));
    expect(() => new CrossSiteModelEval({ participatingClients: ['a', 'a'] })).toThrow(expect.objectContaining(code));
    expect(() => new CrossSiteModelEval({ validationTimeoutMs: -1 })).toThrow(expect.objectContaining(code));
    const host = new FakeHost({ components: new Map<string, FLComponent>([['log', new (class extends FLComponent {})()]]) });
    const ctx: FLContext = host.newContext();
    expect(() => host.attach(new CrossSiteModelEval({ modelLocatorId: 'nope' })).start(ctx)).toThrow(expect.objectContaining({ code: WorkflowErrorCode.COMPONENT_MISSING }));
    expect(() => host.attach(new CrossSiteModelEval({ modelLocatorId: 'log' })).start(ctx)).toThrow(expect.objectContaining({ code: WorkflowErrorCode.COMPONENT_TYPE }));
  });
});
