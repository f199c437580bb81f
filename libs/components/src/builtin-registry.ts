import { ComponentRegistry } from '@hearth/job';
import { OnnxTrainerType } from '@hearth/training';
import { WeightedAggregatorType } from './aggregation-types.js';
import { CrossSiteModelEvalType } from './evaluation-types.js';
import { ExcludeVarsType } from './filter-types.js';
import { MetricsWriterType } from './metrics-types.js';
import { ServerOptimizerType } from './optimizer-types.js';
import { SafetensorsPersistorType } from './persistor-types.js';
import { CyclicControllerType, ScatterAndGatherScaffoldType, ScatterAndGatherType } from './workflow-types.js';

/**
 * A registry holding every built-in component type jobs may name: workflows, aggregators, server optimizers,
 * filters, persistors, the metrics writer and the
 * ONNX training executor. Each call returns a new registry, so a caller may add its own types without
 * affecting others.
 */
export function createBuiltinRegistry(): ComponentRegistry {
  return new ComponentRegistry()
    .register(ScatterAndGatherType)
    .register(ScatterAndGatherScaffoldType)
    .register(CyclicControllerType)
    .register(CrossSiteModelEvalType)
    .register(WeightedAggregatorType)
    .register(ServerOptimizerType)
    .register(ExcludeVarsType)
    .register(SafetensorsPersistorType)
    .register(MetricsWriterType)
    .register(OnnxTrainerType);
}
