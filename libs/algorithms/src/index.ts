export { AlgorithmsErrorCode } from './errors.js';
export type { AlgorithmsErrorCodeValue } from './errors.js';
export { WeightedAggregator } from './weighted-aggregator.js';
export type { WeightedAggregatorOptions } from './weighted-aggregator.js';
