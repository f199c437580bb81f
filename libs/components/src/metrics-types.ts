import { MetricsWriter } from '@hearth/engine';
import { defineComponent } from '@hearth/job';
import { Type } from 'typebox';

/** `MetricsWriter`: the metrics clients stream during training, as JSON lines per site under the server workspace. */
export const MetricsWriterType = defineComponent({
  type: 'MetricsWriter',
  argsSchema: Type.Object(
    { dir: Type.Optional(Type.String({ minLength: 1, description: 'folder under the server workspace; default metrics' })) },
    { additionalProperties: false },
  ),
  create: (args) => new MetricsWriter(args.dir === undefined ? {} : { dir: args.dir }),
});
