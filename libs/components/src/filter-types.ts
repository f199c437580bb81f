import { DataKind } from '@hearth/core';
import { ExcludeVars } from '@hearth/filters';
import { defineComponent } from '@hearth/job';
import { Type } from 'typebox';

/** `ExcludeVars`: drops tensors by exact name or `/regex/flags` before they leave or after they arrive. */
export const ExcludeVarsType = defineComponent({
  type: 'ExcludeVars',
  argsSchema: Type.Object(
    {
      exclude_vars: Type.Union([Type.String({ minLength: 1 }), Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })]),
      data_kinds: Type.Optional(Type.Array(Type.Enum(DataKind), { minItems: 1 })),
    },
    { additionalProperties: false },
  ),
  create: (args) =>
    new ExcludeVars({ excludeVars: args.exclude_vars, ...(args.data_kinds === undefined ? {} : { dataKinds: args.data_kinds }) }),
});
