import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSafetensorsFile } from '@hearth/codec';
import type { ParamMap } from '@hearth/core';
import { unpackBundle } from '@hearth/federation';
import { simulateJob } from '@hearth/runner';

/** The final model `simulateJob` reaches for a job, clients and seed. */
export async function simulatedFinalModel(input: { readonly jobDir: string; readonly clients: readonly string[]; readonly seed: number }): Promise<ParamMap> {
  const workspace = await mkdtemp(join(tmpdir(), 'hearth-e2e-sim-'));
  try {
    const result = await simulateJob({ jobDir: input.jobDir, clients: input.clients, threads: input.clients.length, workspaceDir: workspace, seed: input.seed });
    if (result.status !== 'completed' || result.modelPath === undefined) throw new Error(`simulation ended ${result.status}`);
    return (await readSafetensorsFile(result.modelPath)).params;
  } finally {
    await rm(workspace, { recursive: true, force: true });
  }
}

/** The final model in a downloaded job result bundle. */
export async function finalModelOf(bundle: Uint8Array): Promise<ParamMap> {
  const dir = await mkdtemp(join(tmpdir(), 'hearth-e2e-result-'));
  try {
    await unpackBundle({ bytes: bundle, dir: join(dir, 'result') });
    return (await readSafetensorsFile(join(dir, 'result/models/final.safetensors'))).params;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
