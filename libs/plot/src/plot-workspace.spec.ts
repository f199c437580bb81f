import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isHearthError } from '@hearth/core';
import { PlotErrorCode } from './errors.js';
import { plotWorkspace } from './plot-workspace.js';

/** The paths vega draws for line marks: one per series. */
const linePaths = (svg: string): number => (svg.match(/<path\b[^>]*aria-roledescription="line mark"/g) ?? []).length;

let ws: string;
beforeEach(async () => {
  ws = await mkdtemp(join(tmpdir(), 'hearth-plotws-'));
});
afterEach(() => rm(ws, { recursive: true, force: true }));

async function workspace(options: { readonly streams?: Record<string, string[]> } = {}): Promise<void> {
  const rounds = Array.from({ length: 5 }, (_, round) => ({ round, clients: ['a', 'b'], metrics: { loss: 10 / (round + 1), loss_before: 12 / (round + 1) } }));
  await writeFile(join(ws, 'metrics.json'), JSON.stringify({ job: 'j', rounds }));
  const streams = join(ws, 'server/metrics');
  await mkdir(streams, { recursive: true });
  for (const [site, keys] of Object.entries(options.streams ?? {})) {
    const lines = keys.flatMap((key) =>
      Array.from({ length: 20 }, (_, step) => JSON.stringify({ site, round: Math.floor(step / 4), step, key, value: 1 / (step + 1), time: 1 })),
    );
    await writeFile(join(streams, `${site}.jsonl`), `${lines.join('\n')}\n`);
  }
}

async function thrown(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  const err: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isHearthError(err)) throw new Error(`expected a HearthError, got ${String(err)}`);
  return err;
}

describe('plotWorkspace', () => {
  it('draws the round metrics and one training curve per streamed key, one line per series', async () => {
    await workspace({ streams: { 'site-1': ['train_loss', 'grad norm'], 'site-2': ['train_loss'], 'site-3': ['train_loss'] } });
    const files = await plotWorkspace({ workspaceDir: ws });
    expect(files.map((f) => [f.path, f.series])).toEqual([
      [join(ws, 'plots/round-metrics.svg'), ['loss', 'loss_before']],
      [join(ws, 'plots/stream-grad_norm.svg'), ['site-1']],
      [join(ws, 'plots/stream-train_loss.svg'), ['site-1', 'site-2', 'site-3']],
    ]);
    for (const file of files) {
      const svg = await readFile(file.path, 'utf8');
      expect(svg.startsWith('<svg')).toBe(true);
      expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
      expect(linePaths(svg)).toBe(file.series.length);
      expect(svg).toContain(file.title);
    }
    expect((await readdir(join(ws, 'plots'))).sort()).toEqual(['round-metrics.svg', 'stream-grad_norm.svg', 'stream-train_loss.svg']);
  });

  it('draws only the round metrics when nothing was streamed, into the folder asked for', async () => {
    await workspace();
    const files = await plotWorkspace({ workspaceDir: ws, outDir: join(ws, 'out/charts'), format: 'svg' });
    expect(files.map((f) => f.path)).toEqual([join(ws, 'out/charts/round-metrics.svg')]);
  });

  it('keeps keys that clean to the same file name apart', async () => {
    await workspace({ streams: { a: ['x/y', 'x?y'] } });
    const files = await plotWorkspace({ workspaceDir: ws });
    expect(files.map((f) => f.path.slice(join(ws, 'plots').length + 1))).toEqual(['round-metrics.svg', 'stream-x_y.svg', 'stream-x_y-2.svg']);
  });

  it('refuses formats other than svg, saying why', async () => {
    await workspace();
    const err = await thrown(plotWorkspace({ workspaceDir: ws, format: 'png' }));
    expect(err.code).toBe(PlotErrorCode.FORMAT_UNSUPPORTED);
    expect(err.message).toBe('plot format "png" is not supported; use svg (PNG would need a native canvas, which Hearth does not ship)');
  });

  it('writes nothing when a stream is corrupt', async () => {
    await workspace({ streams: { a: ['loss'] } });
    await writeFile(join(ws, 'server/metrics/b.jsonl'), 'not json\n');
    const err = await thrown(plotWorkspace({ workspaceDir: ws }));
    expect(err.code).toBe(PlotErrorCode.STREAM_INVALID);
    expect(err.message).toMatch(/b\.jsonl:1: not valid JSON/);
    await expect(readdir(join(ws, 'plots'))).rejects.toThrow(/ENOENT/);
  });

  it('reports a plot folder it cannot create', async () => {
    await workspace();
    await writeFile(join(ws, 'blocked'), '');
    const err = await thrown(plotWorkspace({ workspaceDir: ws, outDir: join(ws, 'blocked/plots') }));
    expect(err.code).toBe(PlotErrorCode.IO_FAILED);
    expect(err.message).toContain(`${join(ws, 'blocked/plots')}: cannot create the plot folder`);
  });
});
