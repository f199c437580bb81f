// The fixed settings of the Figure 4 benchmark, in one place: what every run shares, the runs of panels (a)
// and (b), and the tuning grid. Hyper-parameters per algorithm are not set here: bench.mjs takes the best of
// the grid from docs/benchmarks/fl-fashion-mnist.tuning.json, which `bench.mjs tune` writes.

/**
 * What every federated run shares. The MLP (784-128-10, ReLU; 101,770 weights) and not the CNN: on this
 * 2-core machine the CNN trains at ~1,000 samples/s, so one 60,000-image epoch takes a minute and the
 * 6 runs x 60 epochs here would take 6 hours; the MLP runs at ~40,000 samples/s, which fits the whole
 * benchmark in about half an hour. Plain SGD on the clients (momentum 0) for every algorithm, as in the
 * FedProx, SCAFFOLD and FedOpt papers, so the algorithms differ only in what they are.
 */
export const COMMON = {
  clients: 8,
  model: 'mlp',
  hidden: [128],
  batchSize: 32,
  momentum: 0,
  localEpochs: 2,
  seed: 0,
  testSplit: 'full',
};

/** Rounds of every run in the benchmark; the centralized baseline trains rounds x localEpochs epochs. */
export const ROUNDS = 30;

/** Seed of the simulator run (shuffles on the clients); the data split and the initial model use COMMON.seed. */
export const RUN_SEED = 0;

/** Clients training at once in the simulator (the machine's cores). */
export const THREADS = 2;

/** Panel (a): FedAvg at these Dirichlet concentrations. */
export const ALPHAS = [0.1, 0.5, 1.0];

/** Panel (b): the algorithms compared at this concentration. */
export const COMPARE_ALPHA = 0.1;

/** How the tuning ranks a trial: the mean test accuracy of the global model over its last rounds (less noisy than the last one). */
export const TAIL_ROUNDS = 5;

/** The tuning runs at COMPARE_ALPHA with the same seeds and local epochs, and fewer rounds. */
export const TUNING_ROUNDS = 20;

/** The hyper-parameters tried per algorithm (template options on top of COMMON). */
export const TUNING_GRID = {
  fedavg: [{ lr: 0.02 }, { lr: 0.05 }, { lr: 0.1 }],
  fedprox: [
    { lr: 0.1, fedproxMu: 0.001 },
    { lr: 0.1, fedproxMu: 0.01 },
    { lr: 0.1, fedproxMu: 0.1 },
  ],
  fedopt: [
    { lr: 0.1, serverOptimizer: { optimizer: 'sgd', learningRate: 1, momentum: 0.9 } },
    { lr: 0.1, serverOptimizer: { optimizer: 'adam', learningRate: 0.01 } },
    { lr: 0.1, serverOptimizer: { optimizer: 'yogi', learningRate: 0.01 } },
  ],
  scaffold: [{ lr: 0.02 }, { lr: 0.05 }, { lr: 0.1 }],
};

/** Display names. */
export const ALGORITHM_NAMES = { fedavg: 'FedAvg', fedprox: 'FedProx', fedopt: 'FedOpt', scaffold: 'SCAFFOLD' };
