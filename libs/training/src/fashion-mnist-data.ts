import type { Logger } from '@hearth/core';
import { FASHION_MNIST_CLASSES, FASHION_MNIST_SYSTEM_DIR, loadFashionMnist, standardizeInPlace } from '@hearth/data';
import type { Dataset, FashionMnistSource } from '@hearth/data';
import { DataSourceSpecSchema } from './dataset-spec.js';
import type { DataSourceSpec, DataSourceSpecInput } from './dataset-spec.js';
import { AsyncMemo } from './internal/async-memo.js';
import { checkSchema } from './internal/check-schema.js';
import type { LabelledData } from './labelled-data.js';

/** Mean pixel value (on [0, 1]) of the full Fashion-MNIST training split. */
export const FASHION_MNIST_MEAN = 0.286;

/** Standard deviation of the pixel values (on [0, 1]) of the full Fashion-MNIST training split. */
export const FASHION_MNIST_STD = 0.353;

/** Both Fashion-MNIST splits, normalized, and where they came from. */
export interface FashionMnistData {
  readonly train: LabelledData;
  readonly test: LabelledData;
  /** `system` (Debian's dataset-fashion-mnist), `subset` (the committed 2,000 + 500 images) or `dir`. */
  readonly source: FashionMnistSource;
  /** The folder the files were read from. */
  readonly dir: string;
}

const loaded = new AsyncMemo<FashionMnistData>();

function toLabelled(dataset: Dataset<Int32Array>): LabelledData {
  const count = dataset.shape[0] ?? 0;
  const labels = dataset.y;
  const y = new BigInt64Array(count);
  for (let i = 0; i < count; i++) y[i] = BigInt(labels[i] as number);
  return { x: dataset.x, y, labels, count, features: dataset.x.length / Math.max(count, 1), numClasses: FASHION_MNIST_CLASSES.length };
}

/** Options of {@link loadFashionMnistData}. */
export interface LoadFashionMnistDataOptions {
  /** Where the data comes from; a federated {@link DatasetSpec} works too (its partition is ignored here). */
  readonly spec: DataSourceSpecInput;
  /** Where dataset messages go (the subset fallback warns here once). */
  readonly logger: Logger;
  /** Where the system package keeps the files. @default FASHION_MNIST_SYSTEM_DIR */
  readonly systemDir?: string;
}

async function loadSplit(options: { readonly spec: DataSourceSpec; readonly systemDir: string; readonly split: 'train' | 'test' }): Promise<{ data: LabelledData; source: FashionMnistSource; dir: string }> {
  const { spec, split } = options;
  const found = await loadFashionMnist({
    split,
    ...(spec.dir === undefined ? {} : { dir: spec.dir }),
    systemDir: options.systemDir,
  });
  if (spec.normalize === 'standardize') standardizeInPlace(found.dataset, { mean: FASHION_MNIST_MEAN, std: FASHION_MNIST_STD });
  return { data: toLabelled(found.dataset), source: found.source, dir: found.dir };
}

/**
 * Loads and normalizes both Fashion-MNIST splits once per process and source: every executor, swap-in and
 * centralized run that names the same `dir` and `normalize` shares the same read-only arrays. Without a
 * `dir`, it reads Debian's dataset-fashion-mnist, else the committed subset, and says once (warn) when it
 * falls back to the subset, since accuracies on 2,000 images are not comparable with the full set.
 */
export function loadFashionMnistData(options: LoadFashionMnistDataOptions): Promise<FashionMnistData> {
  const { logger } = options;
  const { name, dir, normalize } = options.spec;
  const spec = checkSchema({ schema: DataSourceSpecSchema, value: { name, dir, normalize }, what: 'dataset spec' });
  const systemDir = options.systemDir ?? FASHION_MNIST_SYSTEM_DIR;
  const key = JSON.stringify([spec.dir ?? null, spec.normalize, systemDir]);
  return loaded.get(key, async () => {
    const split = { spec, systemDir };
    const [train, test] = await Promise.all([loadSplit({ ...split, split: 'train' }), loadSplit({ ...split, split: 'test' })]);
    if (train.source === 'subset') {
      logger.warn(
        { dir: train.dir, train: train.data.count, test: test.data.count, expected: systemDir },
        `full Fashion-MNIST not found in ${systemDir}; using the committed subset (${train.data.count} train, ${test.data.count} test images)`,
      );
    } else {
      logger.info({ dir: train.dir, source: train.source, train: train.data.count, test: test.data.count }, 'Fashion-MNIST loaded');
    }
    return { train: train.data, test: test.data, source: train.source, dir: train.dir };
  });
}

/** Forgets the loaded datasets (their memory is freed once no executor holds them). */
export function clearFashionMnistData(): void {
  loaded.clear();
}
