export { BIAS, LinearTrainer, TRAIN_LOSS_KEY, WEIGHT, meanSquaredError } from './linear-trainer.js';
export type { LinearTrainerArgs } from './linear-trainer.js';
export { makeLinearData, siteSeed } from './linear-data.js';
export type { LinearData, LinearDataOptions } from './linear-data.js';
