import { defineComponent } from '@hearth/job';
import { SafetensorsPersistor, SafetensorsPersistorArgs } from './safetensors-persistor.js';

/** `SafetensorsPersistor`: the global model on disk as .safetensors. */
export const SafetensorsPersistorType = defineComponent({
  type: 'SafetensorsPersistor',
  argsSchema: SafetensorsPersistorArgs,
  create: (args) => new SafetensorsPersistor(args),
});
