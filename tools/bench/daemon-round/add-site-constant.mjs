// The client executor of the daemon-round benchmark, copied into the job folder as custom code: it adds a
// per-site constant to every weight of the global model, in place (site-N adds N), and returns the same
// tensors as its WEIGHTS result, so a client holds one copy of the model and the server's mean is known
// exactly: after r rounds from a zero model every weight is r × the mean of the sites' constants.
import { DataKind, Dxo, Executor, MetaKey, ReturnCode, Shareable } from '@hearth/core';

/** Elements added between two turns of the event loop. */
const SLICE = 16 * 1024 * 1024;

export class AddSiteConstant extends Executor {
  async execute(taskName, data, ctx) {
    if (taskName !== 'train') return Shareable.withReturnCode(ReturnCode.TASK_UNKNOWN, `AddSiteConstant cannot do task "${taskName}"`);
    const params = data.dxo?.params;
    if (params === undefined) return Shareable.withReturnCode(ReturnCode.BAD_TASK_DATA, 'train task carries no model');
    const constant = Number(ctx.siteName.replace(/^site-/, ''));
    for (const t of params.values()) {
      const values = t.data;
      for (let start = 0; start < values.length; start += SLICE) {
        const end = Math.min(values.length, start + SLICE);
        for (let i = start; i < end; i += 1) values[i] += constant;
        // Yield between slices, as a trainer running in worker threads would leave the event loop free: the
        // job process keeps sending heartbeats while it works.
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    return Shareable.fromDxo(new Dxo({ kind: DataKind.WEIGHTS, params, meta: { [MetaKey.NUM_STEPS_CURRENT_ROUND]: 1 } }));
  }
}
