import { allocData, bytesPerElement, viewData } from '@hearth/core';
import type { ParamMap, ParamSource, Tensor, TensorData, TensorSpec } from '@hearth/core';
import { codecError, CodecErrorCode } from '../errors.js';
import type { SafetensorsLayout } from '../safetensors-decode.js';
import { bytesOf } from './byte-layout.js';
import { readFully, readFullyAsync, withOpenFile, withOpenFileAsync } from './byte-source.js';

/** A tensor of a {@link FileParamSource}: its spec and where its bytes are in the file. */
export interface FileTensor extends TensorSpec {
  /** File offset of the first byte. */
  readonly position: number;
  readonly byteLength: number;
}

/** The tensors of a safetensors block whose layout was read from a file, with their file positions. */
export function fileTensorsOf(layout: SafetensorsLayout): FileTensor[] {
  return layout.entries.map((e) => ({ name: e.name, dtype: e.dtype, shape: e.shape, position: layout.dataStart + e.begin, byteLength: e.end - e.begin }));
}

/** A tensor with `t`'s name, dtype and shape and a new (zeroed) buffer for its bytes, to read them into. */
export function emptyTensorOf(t: FileTensor): Tensor {
  return { dtype: t.dtype, shape: [...t.shape], data: allocData(t.dtype, t.byteLength / bytesPerElement(t.dtype)) };
}

/**
 * The tensors of a Shareable left in a file (a spooled result): every read opens the file, so the source
 * holds no descriptor between reads and the file may be deleted once nothing reads it any more.
 */
export class FileParamSource implements ParamSource {
  readonly specs: readonly TensorSpec[];
  readonly #path: string;
  readonly #tensors: ReadonlyMap<string, FileTensor>;
  /** The tensors, once {@link FileParamSource.preload} read them. */
  #loaded: ParamMap | undefined;

  constructor(path: string, tensors: readonly FileTensor[]) {
    this.#path = path;
    this.#tensors = new Map(tensors.map((t) => [t.name, t]));
    this.specs = tensors.map(({ name, dtype, shape }) => ({ name, dtype, shape }));
  }

  forEachSlice(name: string, maxBytes: number, visit: (slice: TensorData, firstElement: number) => void): void {
    const t = this.#tensor(name);
    const width = bytesPerElement(t.dtype);
    const perSlice = Math.max(1, Math.floor(maxBytes / width));
    const numel = t.byteLength / width;
    if (numel === 0) return;
    const loaded = this.#loaded?.get(name)?.data;
    if (loaded !== undefined) {
      for (let first = 0; first < numel; first += perSlice) visit(loaded.subarray(first, first + perSlice), first);
      return;
    }
    const buffer = allocData(t.dtype, Math.min(perSlice, numel));
    withOpenFile(this.#path, (fd) => {
      for (let first = 0; first < numel; first += perSlice) {
        const count = Math.min(perSlice, numel - first);
        const bytes = bytesOf(buffer).subarray(0, count * width);
        readFully(fd, bytes, t.position + first * width, this.#path);
        visit(viewData(t.dtype, bytes), first);
      }
    });
  }

  load(): ParamMap {
    if (this.#loaded !== undefined) return this.#loaded;
    return withOpenFile(this.#path, (fd) => {
      const params: ParamMap = new Map();
      for (const t of this.#tensors.values()) {
        const tensor = emptyTensorOf(t);
        readFully(fd, bytesOf(tensor.data), t.position, this.#path);
        params.set(t.name, tensor);
      }
      return params;
    });
  }

  /** Reads every tensor into memory asynchronously (1 GiB reads at most), so a later `load` needs no file. */
  async preload(): Promise<void> {
    if (this.#loaded !== undefined) return;
    this.#loaded = await withOpenFileAsync(this.#path, async (file) => {
      const params: ParamMap = new Map();
      for (const t of this.#tensors.values()) {
        const tensor = emptyTensorOf(t);
        await readFullyAsync(file, bytesOf(tensor.data), t.position, this.#path);
        params.set(t.name, tensor);
      }
      return params;
    });
  }

  #tensor(name: string): FileTensor {
    const t = this.#tensors.get(name);
    if (t === undefined) {
      throw codecError(CodecErrorCode.INVALID_INPUT, `${this.#path} holds no tensor ${JSON.stringify(name)}`, { context: { tensor: name } });
    }
    return t;
  }
}
