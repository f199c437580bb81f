// How the benchmark names a configuration's hyper-parameters in labels and tables.

/** The template options of a run on top of COMMON, as a short text: "lr 0.1, mu 0.01", "lr 0.1, server sgd (...)". */
export function describeOptions(options) {
  const parts = [`lr ${options.lr}`];
  if (options.momentum !== undefined) parts.push(`momentum ${options.momentum}`);
  if (options.fedproxMu !== undefined) parts.push(`mu ${options.fedproxMu}`);
  const s = options.serverOptimizer;
  if (s !== undefined) {
    const extra = Object.entries(s).filter(([k]) => k !== 'optimizer').map(([k, v]) => `${k} ${v}`);
    parts.push(`server ${s.optimizer}${extra.length === 0 ? '' : ` (${extra.join(', ')})`}`);
  }
  if (options.globalLearningRate !== undefined) parts.push(`eta_g ${options.globalLearningRate}`);
  if (options.localEpochs !== undefined) parts.push(`E ${options.localEpochs}`);
  return parts.join(', ');
}
