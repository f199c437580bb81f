import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Tensor } from '@hearth/core';
import { createDataset } from './dataset.js';
import type { Dataset } from './dataset.js';
import { DataErrorCode, dataError } from './errors.js';
import { readIdxFile } from './idx-file.js';
import type { IdxDType } from './idx-format.js';

/** Where Debian's `dataset-fashion-mnist` package installs the four gzipped IDX files. */
export const FASHION_MNIST_SYSTEM_DIR = '/usr/share/datasets/fashion-mnist';

/**
 * The committed subset (first 2,000 training and 500 test images, same file names), so tests and demos
 * run on machines without the full dataset.
 */
export const FASHION_MNIST_SUBSET_DIR = fileURLToPath(new URL('../fixtures/fashion-mnist-subset/', import.meta.url));

/** Class names, indexed by label. */
export const FASHION_MNIST_CLASSES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
] as const;

/** Which half of Fashion-MNIST to load. */
export type FashionMnistSplit = 'train' | 'test';

/** Where the files came from: the caller's `dir`, the system package, or the committed subset. */
export type FashionMnistSource = 'dir' | 'system' | 'subset';

/** Options for {@link loadFashionMnist}. */
export interface LoadFashionMnistOptions {
  /** `train` (60,000 images in the full set) or `test` (10,000). */
  readonly split: FashionMnistSplit;
  /** Directory with the four IDX files (gzipped or raw). When set, it is the only place looked. @default unset: system dir, then subset */
  readonly dir?: string;
  /** Where the system package keeps the files. @default FASHION_MNIST_SYSTEM_DIR */
  readonly systemDir?: string;
  /** Divide pixels by 255 so features lie in [0, 1]; otherwise keep 0-255. @default true */
  readonly scaleToUnit?: boolean;
}

/** A loaded split and where it came from. */
export interface FashionMnist {
  /** Images as `[N, 28, 28]` float32 features, labels 0-9. */
  readonly dataset: Dataset<Int32Array>;
  /** Which place the files were read from. */
  readonly source: FashionMnistSource;
  /** The directory the files were read from. */
  readonly dir: string;
}

const FILE_STEMS = {
  train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte' },
  test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte' },
} as const;

/**
 * Loads a Fashion-MNIST split from `dir`, else from the system package, else from the committed subset,
 * and says which one it used. Writes nothing to the console.
 */
export async function loadFashionMnist(options: LoadFashionMnistOptions): Promise<FashionMnist> {
  const candidates: { source: FashionMnistSource; dir: string }[] =
    options.dir === undefined
      ? [
          { source: 'system', dir: options.systemDir ?? FASHION_MNIST_SYSTEM_DIR },
          { source: 'subset', dir: FASHION_MNIST_SUBSET_DIR },
        ]
      : [{ source: 'dir', dir: options.dir }];
  for (const candidate of candidates) {
    const files = await findFiles(candidate.dir);
    if (files === undefined) continue;
    const stems = FILE_STEMS[options.split];
    const paths = { images: files.get(stems.images) as string, labels: files.get(stems.labels) as string };
    const images = await readIdxFile(paths.images);
    const labels = await readIdxFile(paths.labels);
    const dataset = toDataset({ images, labels, files: paths, scaleToUnit: options.scaleToUnit ?? true });
    return { dataset, source: candidate.source, dir: candidate.dir };
  }
  throw dataError(
    DataErrorCode.DATASET_NOT_FOUND,
    `Fashion-MNIST files not found in ${candidates.map((c) => c.dir).join(' or ')} ` +
      '(expected train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], t10k-images-idx3-ubyte[.gz], t10k-labels-idx1-ubyte[.gz])',
    { context: { dirs: candidates.map((c) => c.dir) } },
  );
}

/** Maps each of the four file stems to its path in `dir`, or undefined when any is missing. */
async function findFiles(dir: string): Promise<Map<string, string> | undefined> {
  const found = new Map<string, string>();
  for (const stems of Object.values(FILE_STEMS)) {
    for (const stem of [stems.images, stems.labels]) {
      const path = await firstExisting([join(dir, `${stem}.gz`), join(dir, stem)]);
      if (path === undefined) return undefined;
      found.set(stem, path);
    }
  }
  return found;
}

async function firstExisting(paths: readonly string[]): Promise<string | undefined> {
  for (const path of paths) {
    try {
      await access(path);
      return path;
    } catch {
      continue;
    }
  }
  return undefined;
}

interface SplitTensors {
  readonly images: Tensor<IdxDType>;
  readonly labels: Tensor<IdxDType>;
  readonly files: { readonly images: string; readonly labels: string };
  readonly scaleToUnit: boolean;
}

function toDataset(split: SplitTensors): Dataset<Int32Array> {
  const { images, labels, files } = split;
  const [count, rows, cols] = images.shape;
  if (images.dtype !== 'U8' || images.shape.length !== 3 || rows !== 28 || cols !== 28) {
    throw dataError(
      DataErrorCode.DATASET_MISMATCH,
      `${files.images}: expected U8 images of shape [N, 28, 28], found ${images.dtype} [${images.shape.join(', ')}]`,
      { context: { file: files.images, dtype: images.dtype, shape: images.shape } },
    );
  }
  if (labels.dtype !== 'U8' || labels.shape.length !== 1 || labels.shape[0] !== count) {
    throw dataError(
      DataErrorCode.DATASET_MISMATCH,
      `${files.labels}: expected ${count} U8 labels to match the images, found ${labels.dtype} [${labels.shape.join(', ')}]`,
      { context: { file: files.labels, dtype: labels.dtype, shape: labels.shape } },
    );
  }
  const pixels = images.data;
  const x = new Float32Array(pixels.length);
  const scale = split.scaleToUnit ? 1 / 255 : 1;
  for (let i = 0; i < pixels.length; i++) x[i] = (pixels[i] as number) * scale;
  const y = new Int32Array(labels.data.length);
  for (let i = 0; i < y.length; i++) {
    const label = labels.data[i] as number;
    if (label >= FASHION_MNIST_CLASSES.length) {
      throw dataError(DataErrorCode.DATASET_MISMATCH, `${files.labels}: label ${label} at row ${i} is not a Fashion-MNIST class (0-9)`, {
        context: { file: files.labels, row: i, label },
      });
    }
    y[i] = label;
  }
  return createDataset({ x, y, shape: [count as number, 28, 28] });
}
