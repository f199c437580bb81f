import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EventType, FLComponent, resolveInside, toError } from '@hearth/core';
import type { EventTypeValue, FLContext } from '@hearth/core';
import type { AnalyticsBatch } from './analytics-batch.js';
import { EngineContextKey } from './context-keys.js';
import { EngineEventType } from './engine-event-type.js';
import { metricsFileName } from './metrics-line.js';
import type { MetricsLine } from './metrics-line.js';

/** Options for {@link MetricsWriter}. */
export interface MetricsWriterOptions {
  /** Folder of the stream files; a relative path resolves from the server engine's workspace. @default 'metrics' */
  readonly dir?: string;
}

/**
 * Server component that keeps what clients stream (NVFlare's analytics receiver): on each
 * `analytics_received` event it appends one JSON line per point, `{ site, round, step, key, value, time }`
 * ({@link MetricsLine}), to `<dir>/<site>.jsonl`. A run starts each file afresh. Writes happen in arrival
 * order in the background, and END_RUN waits for them, so the files are complete when the run ends. A
 * failed write is logged and the run goes on.
 */
export class MetricsWriter extends FLComponent {
  readonly #dir: string;
  readonly #started = new Set<string>();
  #pending: Promise<void> = Promise.resolve();

  constructor(options: MetricsWriterOptions = {}) {
    super();
    this.#dir = options.dir ?? 'metrics';
  }

  override handleEvent(type: EventTypeValue, ctx: FLContext): void | Promise<void> {
    if (type === EngineEventType.ANALYTICS_RECEIVED) this.#enqueue(ctx);
    else if (type === EventType.END_RUN) return this.#pending;
    return undefined;
  }

  #enqueue(ctx: FLContext): void {
    const batch = ctx.get<AnalyticsBatch>(EngineContextKey.ANALYTICS);
    if (batch === undefined || batch.points.length === 0) return;
    const { site } = batch;
    let text = '';
    for (const point of batch.points) {
      const line: MetricsLine = { site, round: point.round, step: point.step, key: point.key, value: point.value, time: point.time };
      text += `${JSON.stringify(line)}\n`;
    }
    const dir = resolveInside({ root: ctx.engine.workspaceDir, path: this.#dir, what: 'MetricsWriter dir' });
    const file = join(dir, metricsFileName(site));
    const first = !this.#started.has(file);
    this.#started.add(file);
    const { logger } = ctx.engine;
    this.#pending = this.#pending
      .then(async () => {
        if (!first) return appendFile(file, text);
        await mkdir(dir, { recursive: true });
        return writeFile(file, text);
      })
      .catch((err: unknown) => logger.error({ err: toError(err), site, file }, 'could not write the metrics stream'));
  }
}
