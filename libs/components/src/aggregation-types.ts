import { WeightedAggregator } from '@hearth/algorithms';
import { DataKind } from '@hearth/core';
import { defineComponent } from '@hearth/job';
import { Type } from 'typebox';

/**
 * `WeightedAggregator`: FedAvg's streaming weighted mean (weight = local steps × per-site weight).
 * NVFlare jobs name the same thing InTimeAccumulateWeightedAggregator.
 */
export const WeightedAggregatorType = defineComponent({
  type: 'WeightedAggregator',
  argsSchema: Type.Object(
    {
      weights: Type.Optional(Type.Record(Type.String(), Type.Number({ minimum: 0 }), { description: 'per-site weight multipliers' })),
      expected_data_kind: Type.Optional(Type.Union([Type.Literal(DataKind.WEIGHTS), Type.Literal(DataKind.WEIGHT_DIFF)])),
      sum_dtype: Type.Optional(
        Type.Union([Type.Literal('F64'), Type.Literal('F32')], { description: 'element type of the running sums; F32 halves server memory for very large models' }),
      ),
    },
    { additionalProperties: false },
  ),
  create: (args) =>
    new WeightedAggregator({
      ...(args.weights === undefined ? {} : { weights: args.weights }),
      ...(args.expected_data_kind === undefined ? {} : { expectedDataKind: args.expected_data_kind }),
      ...(args.sum_dtype === undefined ? {} : { sumDType: args.sum_dtype }),
    }),
});
