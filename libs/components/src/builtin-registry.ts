import { ComponentRegistry } from '@hearth/job';
import { WeightedAggregatorType } from './aggregation-types.js';
import { ExcludeVarsType } from './filter-types.js';
import { SafetensorsPersistorType } from './persistor-types.js';
import { CyclicControllerType, ScatterAndGatherType } from './workflow-types.js';

/**
 * A registry holding every built-in component type jobs may name: workflows, aggregators, filters and
 * persistors. Each call returns a new registry, so a caller may add its own types without affecting others.
 */
export function createBuiltinRegistry(): ComponentRegistry {
  return new ComponentRegistry()
    .register(ScatterAndGatherType)
    .register(CyclicControllerType)
    .register(WeightedAggregatorType)
    .register(ExcludeVarsType)
    .register(SafetensorsPersistorType);
}
