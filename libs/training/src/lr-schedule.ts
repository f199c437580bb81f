import { Type } from 'typebox';
import type { Static } from 'typebox';
import type { SpecInput } from './internal/spec-input.js';

/**
 * How the learning rate changes over rounds (in centralized training: over epochs). `constant` keeps it;
 * `step` multiplies it by `gamma` (@default 0.1) every `step_rounds` rounds; `cosine` anneals it from the
 * base rate to `min_lr` (@default 0) over `total_rounds` (@default the job's number of rounds, as the
 * server sends it with each task).
 */
export const LrScheduleSchema = Type.Union([
  Type.Object({ kind: Type.Literal('constant') }, { additionalProperties: false }),
  Type.Object(
    { kind: Type.Literal('step'), step_rounds: Type.Integer({ minimum: 1 }), gamma: Type.Number({ exclusiveMinimum: 0, default: 0.1 }) },
    { additionalProperties: false },
  ),
  Type.Object(
    { kind: Type.Literal('cosine'), min_lr: Type.Number({ minimum: 0, default: 0 }), total_rounds: Type.Optional(Type.Integer({ minimum: 1 })) },
    { additionalProperties: false },
  ),
]);

/** {@link LrScheduleSchema} as a type, defaults applied. */
export type LrSchedule = Static<typeof LrScheduleSchema>;

/** A {@link LrSchedule} as callers write it: `kind` and `step_rounds` are required. */
export type LrScheduleInput = SpecInput<LrSchedule, 'kind' | 'step_rounds'>;

/** Where a schedule is evaluated. */
export interface LrAtOptions {
  readonly schedule: LrSchedule;
  /** The base learning rate. */
  readonly lr: number;
  /** 0-based round (or epoch). */
  readonly round: number;
  /** Rounds in the run, when known; cosine needs it (or its own `total_rounds`) and keeps `lr` without it. */
  readonly totalRounds?: number;
}

/** The learning rate of `round` under `schedule`. */
export function learningRateAt(options: LrAtOptions): number {
  const { schedule, lr } = options;
  const round = Math.max(0, options.round);
  if (schedule.kind === 'step') return lr * schedule.gamma ** Math.floor(round / schedule.step_rounds);
  if (schedule.kind === 'cosine') {
    const total = schedule.total_rounds ?? options.totalRounds;
    if (total === undefined || total < 1) return lr;
    const progress = Math.min(round, total) / total;
    return schedule.min_lr + ((lr - schedule.min_lr) * (1 + Math.cos(Math.PI * progress))) / 2;
  }
  return lr;
}
