import type { CompiledTemplateOptions } from './template-options.js';
import type { TemplateName } from './template-names.js';

const ALGORITHMS: Readonly<Record<TemplateName, { readonly title: string; readonly what: string }>> = {
  fedavg: {
    title: 'Federated averaging (FedAvg)',
    what: 'Each round every site trains the global model on its share and sends its weights; the server takes their mean, weighted by the examples each site trained on.',
  },
  fedprox: {
    title: 'FedProx',
    what: 'FedAvg whose sites add the proximal term μ/2 ‖w − w_global‖² to their loss, which holds local models near the global one when the sites’ data differ.',
  },
  fedopt: {
    title: 'FedOpt (server optimizer)',
    what: 'Sites send their update y − x; a `ServerOptimizer` turns the mean update into the server’s step (SGD with momentum is FedAvgM; Adam, Yogi and Adagrad are the adaptive FedOpt variants).',
  },
  scaffold: {
    title: 'SCAFFOLD',
    what: 'The server sends its control variate c with the model; sites correct every SGD step by c − c_i, send y − x and Δc_i, and the server moves the model by η_g times the mean update.',
  },
  cyclic: {
    title: 'Cyclic weight transfer',
    what: 'One model visits the sites one after another, each training it on its share, in the same order every round; nothing is averaged.',
  },
};

function modelLine(options: CompiledTemplateOptions): string {
  if (options.model === 'mlp') return `the built-in \`mlp\` (hidden layers ${options.hidden.join(', ')}, ReLU)`;
  if (options.model === 'fashion_mnist_cnn') return 'the built-in `fashion_mnist_cnn` (conv 3x3x32, maxpool, conv 3x3x64, maxpool, dense 128, dense 10)';
  return 'the built-in `logistic_regression`';
}

function serverLine(options: CompiledTemplateOptions): string {
  const rounds = `${options.rounds} round${options.rounds === 1 ? '' : 's'}`;
  if (options.template === 'cyclic') return `CyclicController, ${rounds}, each visiting every site once.`;
  const base = `${options.template === 'scaffold' ? 'ScatterAndGatherScaffold' : 'ScatterAndGather'}, ${rounds}, all ${options.clients} sites per round`;
  if (options.template === 'fedopt') {
    const o = options.serverOptimizer;
    const settings = Object.entries(o)
      .filter(([key]) => key !== 'optimizer')
      .map(([key, value]) => `${key} ${String(value)}`);
    return `${base}; ServerOptimizer \`${o.optimizer ?? 'sgd'}\`${settings.length === 0 ? '' : ` (${settings.join(', ')})`} applies the mean update.`;
  }
  if (options.template === 'scaffold') return `${base}; global learning rate η_g = ${options.globalLearningRate}.`;
  return `${base}; WeightedAggregator (weights = examples trained on).`;
}

/**
 * The README.md a template writes into its job folder: what the job runs and the commands that run it.
 * `dir` is the job folder as the reader will type it (the `-o` of `hearth job create`).
 */
export function templateReadme(options: { readonly job: CompiledTemplateOptions; readonly dir: string }): string {
  const o = options.job;
  const dir = options.dir.split('\\').join('/');
  const algorithm = ALGORITHMS[o.template];
  const prox = o.template === 'fedprox' ? `, FedProx μ = ${o.fedproxMu}` : '';
  return [
    `# ${o.name}`,
    '',
    `${algorithm.title} on Fashion-MNIST, written by \`hearth job create --template ${o.template}\` (libs/templates). ${algorithm.what}`,
    '',
    `- **Data**: the 60,000 training images split over ${o.clients} sites by a Dirichlet(α = ${o.alpha}) draw over labels (seed ${o.seed}); ` +
      (o.testSplit === 'share' ? `each site validates on a disjoint 1/${o.clients} of the 10,000 test images.` : 'each site validates on all 10,000 test images.'),
    `- **Clients**: OnnxTrainer trains ${modelLine(o)} for ${o.localEpochs} local epoch${o.localEpochs === 1 ? '' : 's'} per round, batch ${o.batchSize}, SGD lr ${o.lr} with momentum ${o.momentum}${prox}, on the CPU.`,
    `- **Server**: ${serverLine(o)} The initial model is \`models/initial.safetensors\` (seed ${o.seed}).`,
    '',
    'Run it from the repository root after `npm run build`:',
    '',
    `    npx hearth simulate ${dir} -n ${o.clients} -t 2 -w workspace/${o.name}`,
    '',
    'Change the settings in `app/config/*.json` (client args: libs/training/README.md) or write the folder again with other',
    '`hearth job create` options.',
    '',
  ].join('\n');
}
