import { isAbsolute, join, resolve } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { ContextKey, DataKind, Dxo, HearthError, ModelPersistor, isDType, zeros } from '@hearth/core';
import type { FLContext, ParamMap } from '@hearth/core';
import { readSafetensorsFile, writeSafetensorsFile } from '@hearth/codec';
import { Type } from 'typebox';
import type { Static } from 'typebox';
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

/**
 * Loads the initial global model from a .safetensors file (or zero tensors named in the config) and saves the
 * global model as `<workspace>/<model_dir>/<tag>.safetensors`, atomically, readable by Python's safetensors.
 */
export class SafetensorsPersistor extends ModelPersistor {
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
    const dir = join(ctx.engine.workspaceDir, this.#args.model_dir);
    await mkdir(dir, { recursive: true });
    await writeSafetensorsFile(join(dir, `${tag}.safetensors`), model.requireParams(), { metadata: { format: 'pt', tag } });
  }

  #resolve(path: string, ctx: FLContext): string {
    if (isAbsolute(path)) return path;
    return resolve(ctx.get<string>(ContextKey.JOB_DIR) ?? process.cwd(), path);
  }
}
