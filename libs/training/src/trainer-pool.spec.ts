import { mlp, logisticRegression } from '@hearth/onnx-train';
import type { SessionFactory } from '@hearth/onnx-train';
import { createOrtSessionRunner } from '@hearth/ort-runtime';
import type { PreparedModel } from './model-spec.js';
import { TrainerPool } from './trainer-pool.js';
import type { SessionSettings } from './trainer-pool.js';
import { compileTrainingPrograms } from './training-programs.js';
import type { TrainingPrograms } from './training-programs.js';

const sessions: SessionSettings = { executionProviders: ['cpu'], intraOpThreads: 1 };

/** Real ORT sessions, counted: how many are open right now. */
function countingSessions(): { readonly open: () => number; readonly factory: () => SessionFactory } {
  let open = 0;
  const factory = (): SessionFactory => async (model) => {
    const runner = await createOrtSessionRunner(model, { executionProviders: ['cpu'] });
    open += 1;
    let closed = false;
    return {
      run: (feeds, fetches) => runner.run(feeds, fetches),
      close: async () => {
        if (!closed) open -= 1;
        closed = true;
        await runner.close();
      },
    };
  };
  return { open: () => open, factory };
}

function programsOf(model: PreparedModel['model'], key: string): Promise<TrainingPrograms> {
  return compileTrainingPrograms({ model: { key, model, exampleShape: [4], stochastic: false }, optimizer: { type: 'sgd' }, stepsPerRun: 1 });
}

describe('TrainerPool', () => {
  it('reuses an idle trainer, never holds more than were leased at once, and closes everything', async () => {
    const counter = countingSessions();
    const pool = new TrainerPool({ createSession: counter.factory });
    const a = await programsOf(mlp({ features: 4, hidden: [3], outputs: 2 }), 'pool-a');
    const b = await programsOf(logisticRegression({ features: 4, classes: 2 }), 'pool-b');
    try {
      const first = await pool.acquire({ programs: a, sessions });
      const second = await pool.acquire({ programs: a, sessions });
      expect(second.trainer).not.toBe(first.trainer);
      await first.release();
      await second.release();
      await first.release();
      expect(pool.stats).toMatchObject({ created: 2, open: 2, idle: 2, leased: 0, peakLeased: 2 });
      const reused = await pool.acquire({ programs: a, sessions });
      expect([first.trainer, second.trainer]).toContain(reused.trainer);
      const other = await pool.acquire({ programs: b, sessions });
      expect(pool.stats).toMatchObject({ created: 3, open: 2, idle: 0, leased: 2 });
      await reused.release();
      await other.release();
      expect(pool.stats).toMatchObject({ open: 2, idle: 2 });
      await pool.close();
      expect(pool.stats.open).toBe(0);
      expect(counter.open()).toBe(0);
    } finally {
      await pool.close();
    }
  }, 30_000);

  it('closes a trainer that must not be shared when it comes back, and one leased across close()', async () => {
    const counter = countingSessions();
    const pool = new TrainerPool({ createSession: counter.factory });
    const a = await programsOf(logisticRegression({ features: 4, classes: 2 }), 'pool-c');
    const once = await pool.acquire({ programs: a, sessions, reusable: false });
    await once.release();
    expect(counter.open()).toBe(0);
    const held = await pool.acquire({ programs: a, sessions });
    await pool.close();
    expect(counter.open()).toBe(2);
    await held.release();
    expect(counter.open()).toBe(0);
    expect(pool.stats.open).toBe(0);
  }, 30_000);
});
