import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContextKey, DataKind, FLContextManager, f32, isHearthError, silentLogger } from '@hearth/core';
import type { EngineSpec, FLContext } from '@hearth/core';
import { readSafetensorsFile, writeSafetensorsFile } from '@hearth/codec';
import { SafetensorsPersistor } from './safetensors-persistor.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-persistor-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

function context(): FLContext {
  const engine = { siteName: 'server', jobId: 'j', logger: silentLogger(), workspaceDir: dir } as unknown as EngineSpec;
  const ctx = new FLContextManager({ siteName: 'server', jobId: 'j', engine }).newContext();
  ctx.set(ContextKey.JOB_DIR, dir);
  return ctx;
}

describe('SafetensorsPersistor', () => {
  it('starts from zero tensors and saves models by tag', async () => {
    const persistor = new SafetensorsPersistor({ initial_params: { w: { shape: [2, 2] }, n: { shape: [1], dtype: 'I64' } }, model_dir: 'models' });
    const model = await persistor.load(context());
    expect(model.kind).toBe(DataKind.WEIGHTS);
    expect([...model.requireParams().values()].map((t) => [t.dtype, t.shape])).toEqual([
      ['F32', [2, 2]],
      ['I64', [1]],
    ]);
    await persistor.save(model, 'last', context());
    expect(await readdir(join(dir, 'models'))).toEqual(['last.safetensors']);
    const saved = await readSafetensorsFile(join(dir, 'models', 'last.safetensors'));
    expect(saved.metadata).toEqual({ format: 'pt', tag: 'last' });
  });

  it('loads an initial model file relative to the job folder', async () => {
    await writeSafetensorsFile(join(dir, 'init.safetensors'), new Map([['w', f32([2], [1, 2])]]));
    const model = await new SafetensorsPersistor({ initial_model: 'init.safetensors', model_dir: 'models' }).load(context());
    expect(Array.from(model.requireParams().get('w')?.data as Float32Array)).toEqual([1, 2]);
  });

  it('names the file when the initial model cannot be read', async () => {
    const persistor = new SafetensorsPersistor({ initial_model: 'missing.safetensors', model_dir: 'models' });
    await expect(persistor.load(context())).rejects.toThrow(/could not load the initial model .*missing\.safetensors/);
  });

  it('keeps model files inside the workspace and initial models inside the job folder', async () => {
    const escaping = new SafetensorsPersistor({ initial_params: { w: { shape: [1] } }, model_dir: '../elsewhere' });
    const model = await escaping.load(context());
    await expect(escaping.save(model, 'last', context())).rejects.toThrow(/model_dir "..\/elsewhere" must be a relative path inside/);
    const absolute = new SafetensorsPersistor({ initial_model: '/etc/passwd', model_dir: 'models' });
    await expect(absolute.load(context())).rejects.toThrow(/initial_model "\/etc\/passwd" must be a relative path inside/);
  });

  it('refuses configs with both or neither initial source, and unknown dtypes', () => {
    expect(() => new SafetensorsPersistor({ model_dir: 'm' })).toThrow(/exactly one of initial_model and initial_params/);
    let thrown: unknown;
    try {
      new SafetensorsPersistor({ initial_params: { w: { shape: [1], dtype: 'F17' } }, model_dir: 'm' });
    } catch (err) {
      thrown = err;
    }
    expect(isHearthError(thrown, 'HEARTH_ERR_MODEL_INIT_INVALID')).toBe(true);
    expect((thrown as Error).message).toContain('initial_params.w.dtype "F17"');
  });

  it('locates saved models by tag for cross-site evaluation, and nothing for a tag never saved', async () => {
    const persistor = new SafetensorsPersistor({ initial_params: { w: { shape: [2] } }, model_dir: 'models' });
    const model = await persistor.load(context());
    (model.requireParams().get('w')?.data as Float32Array).set([3, 4]);
    await persistor.save(model, 'best', context());
    const found = await persistor.locateModel('best', context());
    expect(found?.kind).toBe(DataKind.WEIGHTS);
    expect(Array.from(found?.requireParams().get('w')?.data as Float32Array)).toEqual([3, 4]);
    expect(await persistor.locateModel('final', context())).toBeUndefined();
  });

  it('refuses tags that are not plain names and reports files it cannot read', async () => {
    const persistor = new SafetensorsPersistor({ initial_params: { w: { shape: [1] } }, model_dir: 'models' });
    for (const name of ['../secret', 'a/b', '..', '']) {
      await expect(persistor.locateModel(name, context())).rejects.toMatchObject({ code: 'HEARTH_ERR_MODEL_NAME_INVALID' });
    }
    await mkdir(join(dir, 'models'), { recursive: true });
    await writeFile(join(dir, 'models', 'broken.safetensors'), 'not a safetensors file');
    await expect(persistor.locateModel('broken', context())).rejects.toMatchObject({ code: 'HEARTH_ERR_MODEL_LOAD_FAILED' });
  });
});
