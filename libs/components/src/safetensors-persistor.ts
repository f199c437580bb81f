import { basename, join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { ContextKey, DataKind, Dxo, HearthError, MetaKey, ModelPersistor, isDType, resolveInside, zeros } from '@hearth/core';
import type { FLContext, ParamMap } from '@hearth/core';
import { readSafetensorsFile, writeSafetensorsFile } from '@hearth/codec';
import { Type } from 'typebox';
import type { Static } from 'typebox';
import type { ModelLocator } from '@hearth/workflow';
import { ComponentsErrorCode } from './errors.js';

/** Args of {@link SafetensorsPersistor}. */
export const SafetensorsPersistorArgs = Type.Object(
  {
    initial_model: Type.Optional(Type.String({ minLength: 1, description: '.safetensors file; relative paths resolve from the job folder' })),
    initial_params: Type.Optional(
      Type.Record(
        Type.String({ minLength: 1 }),
        Type.Object(
          { shape: Type.Array(Type.Integer({ minimum: 0 })), dtype: Type.Optional(Type.String({ default: 'F32' })) },
          { additionalProperties: false },
        ),
        { description: 'zero-initialized tensors, when there is no initial_model file' },
      ),
    ),
    model_dir: Type.String({ minLength: 1, default: 'models', description: 'folder under the job workspace for saved models' }),
  },
  { additionalProperties: false },
);

/** Validated args of {@link SafetensorsPersistor}. */
export type SafetensorsPersistorArgs = Static<typeof SafetensorsPersistorArgs>;

/** True when `err`, or an error it wraps, says the file does not exist. */
function isFileNotFound(err: unknown): boolean {
  for (let current = err; typeof current === 'object' && current !== null; current = (current as { cause?: unknown }).cause) {
    if ((current as { code?: unknown }).code === 'ENOENT') return true;
  }
  return false;
}

/**
 * Loads the initial global model from a .safetensors file (or zero tensors named in the config) and saves the
 * global model as `<workspace>/<model_dir>/<tag>.safetensors`, atomically, readable by Python's safetensors.
 * As a {@link ModelLocator} it finds those saved models again by tag (`final`, `best`), for cross-site evaluation.
 */
export class SafetensorsPersistor extends ModelPersistor implements ModelLocator {
  readonly #args: SafetensorsPersistorArgs;

  constructor(args: SafetensorsPersistorArgs) {
    super();
    if ((args.initial_model === undefined) === (args.initial_params === undefined)) {
      throw new HearthError(ComponentsErrorCode.MODEL_INIT_INVALID, 'give exactly one of initial_model and initial_params');
    }
    for (const [name, spec] of Object.entries(args.initial_params ?? {})) {
      if (spec.dtype !== undefined && !isDType(spec.dtype)) {
        throw new HearthError(ComponentsErrorCode.MODEL_INIT_INVALID, `initial_params.${name}.dtype "${spec.dtype}" is not a dtype`, {
          context: { name, dtype: spec.dtype },
        });
      }
    }
    this.#args = args;
  }

  override async load(ctx: FLContext): Promise<Dxo> {
    const params: ParamMap = new Map();
    if (this.#args.initial_model !== undefined) {
      const file = this.#resolve(this.#args.initial_model, ctx);
      try {
        const contents = await readSafetensorsFile(file);
        for (const [name, t] of contents.params) params.set(name, t);
      } catch (err) {
        throw new HearthError(ComponentsErrorCode.MODEL_LOAD_FAILED, `could not load the initial model ${file}`, { cause: err, context: { file } });
      }
    } else {
      for (const [name, spec] of Object.entries(this.#args.initial_params ?? {})) {
        const dtype = spec.dtype !== undefined && isDType(spec.dtype) ? spec.dtype : 'F32';
        params.set(name, zeros(dtype, spec.shape));
      }
    }
    return new Dxo({ kind: DataKind.WEIGHTS, params });
  }

  override async save(model: Dxo, tag: string, ctx: FLContext): Promise<void> {
    const dir = resolveInside({ root: ctx.engine.workspaceDir, path: this.#args.model_dir, what: 'model_dir' });
    await mkdir(dir, { recursive: true });
    await writeSafetensorsFile(join(dir, `${tag}.safetensors`), model.requireParams(), { metadata: { format: 'pt', tag } });
  }

  /**
   * The model saved under tag `name`, or undefined when there is none. Throws HEARTH_ERR_MODEL_NAME_INVALID for
   * a name that is not a plain file name and HEARTH_ERR_MODEL_LOAD_FAILED for a file that cannot be read.
   */
  async locateModel(name: string, ctx: FLContext): Promise<Dxo | undefined> {
    if (name.length === 0 || name !== basename(name) || name === '.' || name === '..') {
      throw new HearthError(ComponentsErrorCode.MODEL_NAME_INVALID, `model name ${JSON.stringify(name)} must be a plain tag such as "final"`, {
        context: { name },
      });
    }
    const file = join(ctx.engine.workspaceDir, this.#args.model_dir, `${name}.safetensors`);
    try {
      const contents = await readSafetensorsFile(file);
      return new Dxo({ kind: DataKind.WEIGHTS, params: contents.params, meta: { [MetaKey.MODEL_OWNER]: 'server' } });
    } catch (err) {
      if (isFileNotFound(err)) return undefined;
      throw new HearthError(ComponentsErrorCode.MODEL_LOAD_FAILED, `could not read the saved model ${file}`, { cause: err, context: { file } });
    }
  }

  #resolve(path: string, ctx: FLContext): string {
    return resolveInside({ root: ctx.get<string>(ContextKey.JOB_DIR) ?? process.cwd(), path, what: 'initial_model' });
  }
}
