import { Type } from 'typebox';
import type { Static } from 'typebox';
import { TrainingErrorCode, trainingError } from './errors.js';
import type { SpecInput } from './internal/spec-input.js';

/**
 * Where Fashion-MNIST comes from and how pixels are scaled. `standardize` maps pixels to
 * (p / 255 - 0.2860) / 0.3530, the mean and standard deviation of the full training split, so every site
 * and the centralized baseline see the same inputs whatever share of the data they hold.
 */
export const DataSourceSpecSchema = Type.Object(
  {
    name: Type.Literal('fashion-mnist', { description: 'dataset name; only Fashion-MNIST is built in' }),
    dir: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'folder with the four IDX files; default: Debian dataset-fashion-mnist, else the committed subset',
      }),
    ),
    normalize: Type.Union([Type.Literal('standardize'), Type.Literal('unit')], {
      default: 'standardize',
      description: 'standardize with the training split mean and std, or scale pixels to [0, 1]',
    }),
  },
  { additionalProperties: false },
);

/** {@link DataSourceSpecSchema} as a type, defaults applied. */
export type DataSourceSpec = Static<typeof DataSourceSpecSchema>;

/** A {@link DataSourceSpec} as callers write it: only `name` is required. */
export type DataSourceSpecInput = SpecInput<DataSourceSpec, 'name'>;

/** How the training split is divided over the clients. */
export const PartitionSpecSchema = Type.Union([
  Type.Object(
    {
      kind: Type.Literal('dirichlet'),
      alpha: Type.Number({ exclusiveMinimum: 0, description: 'concentration: 0.1 very skewed labels, 100 nearly IID' }),
      seed: Type.Integer({ default: 0 }),
    },
    { additionalProperties: false },
  ),
  Type.Object({ kind: Type.Literal('iid'), seed: Type.Integer({ default: 0 }) }, { additionalProperties: false }),
]);

/** {@link PartitionSpecSchema} as a type, defaults applied. */
export type PartitionSpec = Static<typeof PartitionSpecSchema>;

/** A {@link PartitionSpec} as callers write it: `seed` may be left out. */
export type PartitionSpecInput = SpecInput<PartitionSpec, 'kind' | 'alpha'>;

/**
 * The dataset a federated job names, resolved on each site to that site's share:
 *
 * - training data: the site's part of the training split under `partition` over `num_clients` sites;
 * - test data (`test_split`): `share` (default) gives each site a disjoint IID 1/num_clients of the test
 *   split, seeded like the partition, so the sites' test shares together are the whole test split and the
 *   sample-weighted mean of their accuracies estimates the global model's test accuracy; `full` gives every
 *   site the whole test split (exact, but num_clients times the evaluation work).
 *
 * The site's index is `site_index` when given, else the trailing number of a `site-K` name minus 1
 * (`site-1` is index 0, the names `hearth simulate -n N` gives). Every site of a job computes the same
 * partition from the same seed, so no site needs to know the others' data.
 */
export const DatasetSpecSchema = Type.Object(
  {
    ...DataSourceSpecSchema.properties,
    partition: PartitionSpecSchema,
    num_clients: Type.Integer({ minimum: 1, description: 'number of sites the training split is divided over' }),
    site_index: Type.Optional(Type.Integer({ minimum: 0, description: "this site's share; default: K - 1 for a site named site-K" })),
    test_split: Type.Union([Type.Literal('share'), Type.Literal('full')], { default: 'share' }),
  },
  { additionalProperties: false },
);

/** {@link DatasetSpecSchema} as a type, defaults applied. */
export type DatasetSpec = Static<typeof DatasetSpecSchema>;

/** A {@link DatasetSpec} as callers write it: `name`, `partition` and `num_clients` are required. */
export type DatasetSpecInput = SpecInput<Omit<DatasetSpec, 'partition'>, 'name' | 'num_clients'> & { readonly partition: PartitionSpecInput };

const SITE_NUMBER = /^site-(\d+)$/;

/**
 * The index of `site` in the partition: `site_index` when the spec gives one, else K - 1 for a site named
 * `site-K`. Throws `HEARTH_ERR_TRAINING_INVALID_DATASET` when neither applies or the index is not below
 * `num_clients`.
 */
export function resolveSiteIndex(options: { readonly spec: Pick<DatasetSpec, 'num_clients' | 'site_index'>; readonly site: string }): number {
  const { spec, site } = options;
  const match = SITE_NUMBER.exec(site);
  const index = spec.site_index ?? (match === null ? undefined : Number(match[1]) - 1);
  if (index === undefined || index < 0) {
    throw trainingError(
      TrainingErrorCode.INVALID_DATASET,
      `site "${site}" has no dataset share: name it site-K (K >= 1) or give dataset.site_index in its config`,
      { context: { site } },
    );
  }
  if (index >= spec.num_clients) {
    throw trainingError(
      TrainingErrorCode.INVALID_DATASET,
      `site "${site}" has dataset index ${index}, but dataset.num_clients is ${spec.num_clients} (indices 0 to ${spec.num_clients - 1})`,
      { context: { site, index, numClients: spec.num_clients } },
    );
  }
  return index;
}
