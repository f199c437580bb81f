// Writes models/initial.safetensors: the seeded initial weights of the built-in Fashion-MNIST CNN
// (fashionMnistCnn({ seed: 0 }), the model config_fed_client.json trains). The output is deterministic, so
// the committed file can be rebuilt and compared. Run after `npm run build`:
//   node examples/fedavg-fashion-mnist/make-initial-model.mjs
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeSafetensorsFile } from '@hearth/codec';
import { fashionMnistCnn } from '@hearth/onnx-train';

const path = join(dirname(fileURLToPath(import.meta.url)), 'models', 'initial.safetensors');
await writeSafetensorsFile(path, fashionMnistCnn({ seed: 0 }).params, { metadata: { format: 'pt', model: 'fashion_mnist_cnn', seed: '0' } });
process.stderr.write(`wrote ${path}\n`);
