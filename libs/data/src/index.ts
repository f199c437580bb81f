export { DataErrorCode, dataError, isDataError } from './errors.js';
export type { DataErrorCodeValue } from './errors.js';
export { createDataset, featureCount, sampleCount, selectRows } from './dataset.js';
export type { Dataset, Labels } from './dataset.js';
export { sampleGamma, sampleLogGamma } from './sample-gamma.js';
export { sampleDirichlet } from './sample-dirichlet.js';
export type { SampleDirichletOptions } from './sample-dirichlet.js';
export { IDX_DTYPES, idxDTypeOfCode, isGzip } from './idx-format.js';
export type { IdxDType } from './idx-format.js';
export { decodeIdx } from './idx-decode.js';
export type { DecodeIdxOptions } from './idx-decode.js';
export { encodeIdx } from './idx-encode.js';
export { readIdxFile, readMaybeGzipped, writeIdxFile } from './idx-file.js';
export type { WriteIdxFileOptions } from './idx-file.js';
export { csvRecords } from './csv-records.js';
export type { CsvRecord, CsvRecordsOptions } from './csv-records.js';
export { parseCsv, readCsvFile } from './csv-dataset.js';
export type { CsvDataset, CsvOptions } from './csv-dataset.js';
export { minMaxScaleInPlace } from './min-max-scale.js';
export type { MinMaxRange, MinMaxScaleOptions } from './min-max-scale.js';
export { standardizeInPlace } from './standardize.js';
export type { FeatureMoments, StandardizeOptions } from './standardize.js';
export { seededPermutation, shuffleDataset } from './shuffle.js';
export type { ShuffleOptions } from './shuffle.js';
export { batchCount, iterateBatches } from './batches.js';
export type { Batch, BatchOptions } from './batches.js';
export { labelHistogram, resolveNumClasses } from './label-partition.js';
export type { LabelHistogramOptions, LabelPartition, PartitionCommonOptions } from './label-partition.js';
export { partitionIid } from './partition-iid.js';
export type { IidPartitionOptions } from './partition-iid.js';
export { partitionDirichlet } from './partition-dirichlet.js';
export type { DirichletPartitionOptions } from './partition-dirichlet.js';
export {
  FASHION_MNIST_CLASSES,
  FASHION_MNIST_SUBSET_DIR,
  FASHION_MNIST_SYSTEM_DIR,
  loadFashionMnist,
} from './fashion-mnist.js';
export type { FashionMnist, FashionMnistSource, FashionMnistSplit, LoadFashionMnistOptions } from './fashion-mnist.js';
