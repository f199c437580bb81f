import cliProgress from 'cli-progress';
import { EventType } from '@hearth/core';
import type { EngineEvent } from '@hearth/engine';
import { WorkflowContextKey } from '@hearth/workflow';
import type { RoundSummary } from '@hearth/workflow';
import type { CliIo } from './cli-io.js';

/** Formats one finished round: number, contributing clients and every metric. */
export function formatRound(summary: RoundSummary, numRounds: number | undefined): string {
  const total = numRounds === undefined ? '' : `/${numRounds}`;
  const metrics = Object.entries(summary.metrics)
    .map(([name, value]) => `${name} ${formatMetric(value)}`)
    .join('  ');
  return `round ${summary.round + 1}${total}  clients ${summary.clients.length}${metrics === '' ? '' : `  ${metrics}`}`;
}

function formatMetric(value: number): string {
  if (value === 0 || (Math.abs(value) >= 1e-3 && Math.abs(value) < 1e5)) return value.toPrecision(5);
  return value.toExponential(3);
}

/**
 * Shows a simulation's progress on stderr: a bar of results received in the current round when stderr is
 * a TTY, and one line per finished round either way.
 */
export class RoundProgress {
  readonly #io: CliIo;
  readonly #clients: number;
  readonly #bar: cliProgress.SingleBar | undefined;
  #numRounds: number | undefined;
  #received = 0;

  constructor(io: CliIo, clients: number) {
    this.#io = io;
    this.#clients = clients;
    this.#bar =
      io.stderr.isTTY === true
        ? new cliProgress.SingleBar(
            { stream: io.stderr, format: 'round {round} [{bar}] {value}/{total} results', clearOnComplete: true, hideCursor: true },
            cliProgress.Presets.shades_classic,
          )
        : undefined;
  }

  /** Feeds one engine event. */
  onEvent(event: EngineEvent): void {
    if (event.site !== 'server') return;
    if (event.type === EventType.ROUND_STARTED) {
      this.#numRounds = event.ctx.get<number>(WorkflowContextKey.NUM_ROUNDS) ?? this.#numRounds;
      const round = (event.ctx.get<number>(WorkflowContextKey.CURRENT_ROUND) ?? 0) + 1;
      this.#received = 0;
      this.#bar?.start(this.#clients, 0, { round: `${round}/${this.#numRounds ?? '?'}` });
    } else if (event.type === EventType.BEFORE_PROCESS_SUBMISSION) {
      this.#received += 1;
      this.#bar?.update(Math.min(this.#received, this.#clients));
    } else if (event.type === EventType.ROUND_DONE) {
      this.#bar?.stop();
      const summary = event.ctx.get<RoundSummary>(WorkflowContextKey.ROUND_SUMMARY);
      if (summary !== undefined) this.#io.stderr.write(`${formatRound(summary, this.#numRounds)}\n`);
    }
  }

  /** Removes the bar, if one is showing. */
  close(): void {
    this.#bar?.stop();
  }
}
