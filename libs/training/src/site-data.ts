import type { Logger } from '@hearth/core';
import { partitionDirichlet, partitionIid } from '@hearth/data';
import type { LabelPartition } from '@hearth/data';
import { DatasetSpecSchema, resolveSiteIndex } from './dataset-spec.js';
import type { DatasetSpec, DatasetSpecInput, PartitionSpec } from './dataset-spec.js';
import { loadFashionMnistData } from './fashion-mnist-data.js';
import type { FashionMnistData } from './fashion-mnist-data.js';
import { AsyncMemo } from './internal/async-memo.js';
import { checkSchema } from './internal/check-schema.js';
import { allRows } from './labelled-data.js';
import type { RowSet } from './labelled-data.js';

/** One site's view of a federated dataset: its training share and its test rows. */
export interface SiteData {
  readonly train: RowSet;
  readonly test: RowSet;
  /** The site's index in the partition. */
  readonly siteIndex: number;
  /** Examples per class in the site's training share. */
  readonly labelHistogram: readonly number[];
  /** Where the files came from (`subset` means the committed 2,000-image subset). */
  readonly source: FashionMnistData['source'];
}

interface Partitions {
  readonly data: FashionMnistData;
  readonly train: LabelPartition;
  readonly test: readonly Uint32Array[] | undefined;
}

const partitions = new AsyncMemo<Partitions>();

async function partitionAll(options: { readonly spec: DatasetSpec; readonly logger: Logger }): Promise<Partitions> {
  const { spec } = options;
  const data = await loadFashionMnistData(options);
  const numClients = spec.num_clients;
  const train =
    spec.partition.kind === 'dirichlet'
      ? partitionDirichlet({ labels: data.train.labels, numClients, seed: spec.partition.seed, alpha: spec.partition.alpha, numClasses: data.train.numClasses })
      : partitionIid({ labels: data.train.labels, numClients, seed: spec.partition.seed, numClasses: data.train.numClasses });
  const test =
    spec.test_split === 'full'
      ? undefined
      : partitionIid({ labels: data.test.labels, numClients, seed: spec.partition.seed, numClasses: data.test.numClasses }).indices;
  return { data, train, test };
}

function partitionKey(partition: PartitionSpec): readonly (string | number)[] {
  return partition.kind === 'dirichlet' ? [partition.kind, partition.alpha, partition.seed] : [partition.kind, partition.seed];
}

/**
 * Resolves a federated dataset spec to the rows `site` holds. The dataset is loaded and partitioned once per
 * process and spec (a memo keyed by source, partition and client count), so swapping a simulated client in
 * again costs a map lookup; the returned rows index the shared arrays and copy no examples.
 */
export async function resolveSiteData(options: { readonly spec: DatasetSpecInput; readonly site: string; readonly logger: Logger }): Promise<SiteData> {
  const { site, logger } = options;
  const spec = checkSchema({ schema: DatasetSpecSchema, value: options.spec, what: 'dataset spec' });
  const siteIndex = resolveSiteIndex({ spec, site });
  const key = JSON.stringify([spec.dir ?? null, spec.normalize, partitionKey(spec.partition), spec.num_clients, spec.test_split]);
  const parts = await partitions.get(key, () => partitionAll({ spec, logger }));
  const testRows = parts.test?.[siteIndex];
  return {
    train: { data: parts.data.train, rows: parts.train.indices[siteIndex] as Uint32Array },
    test: testRows === undefined ? allRows(parts.data.test) : { data: parts.data.test, rows: testRows },
    siteIndex,
    labelHistogram: parts.train.histogram[siteIndex] ?? [],
    source: parts.data.source,
  };
}

/** Forgets every partition (the datasets themselves are cleared separately). */
export function clearSiteData(): void {
  partitions.clear();
}
