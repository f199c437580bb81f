import { cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from './main.js';
import { allElements, parseXml } from './testing/parse-xml.js';
import { captureIo } from './testing/capture-io.js';

const examples = join(import.meta.dirname, '../../../examples');


let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-cli-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function copyJob(): Promise<string> {
  const job = join(dir, 'job');
  await cp(join(examples, 'hello-linear'), job, { recursive: true, filter: (src) => !/node_modules|dist|src/.test(src.slice(examples.length)) });
  return job;
}

describe('hearth job validate', () => {
  it('accepts a valid job', async () => {
    const c = captureIo();
    expect(await main(['job', 'validate', join(examples, 'hello-linear')], c.io)).toBe(0);
    expect(c.out()).toContain('valid');
  });

  it('names file, JSON path and problem for an unknown component type', async () => {
    const job = await copyJob();
    const file = join(job, 'app/config/config_fed_server.json');
    await writeFile(file, (await readFile(file, 'utf8')).replace('"WeightedAggregator"', '"NoSuchAggregator"'));
    const c = captureIo();
    expect(await main(['job', 'validate', job], c.io)).toBe(1);
    expect(c.err()).toMatch(/app\/config\/config_fed_server\.json \$\.components\[1\]\.type: .*unknown component type "NoSuchAggregator"/);
  });

  it('names meta.json and deploy_map when the deploy map is missing', async () => {
    const job = await copyJob();
    await writeFile(join(job, 'meta.json'), JSON.stringify({ name: 'x', min_clients: 2 }));
    const c = captureIo();
    expect(await main(['job', 'validate', job], c.io)).toBe(1);
    expect(c.err()).toContain('meta.json $.deploy_map: is required but missing');
  });

  it('names the file, line and column of invalid JSON', async () => {
    const job = await copyJob();
    await writeFile(join(job, 'app/config/config_fed_client.json'), '{\n  "format_version": 2,\n  "executors": [,]\n}\n');
    const c = captureIo();
    expect(await main(['job', 'validate', job, '--json'], c.io)).toBe(1);
    const report = JSON.parse(c.out()) as { valid: boolean; problems: { file: string; line?: number }[] };
    expect(report.valid).toBe(false);
    expect(report.problems[0]).toEqual(expect.objectContaining({ file: 'app/config/config_fed_client.json', line: 3 }));
  });
});

describe('hearth simulate', () => {
  it('runs hello-linear and prints where the model and metrics went', async () => {
    const c = captureIo();
    const code = await main(['simulate', join(examples, 'hello-linear'), '-n', '4', '-t', '2', '-w', join(dir, 'ws'), '--json'], c.io);
    expect(code).toBe(0);
    const result = JSON.parse(c.out()) as { status: string; modelPath: string; rounds: unknown[] };
    expect(result.status).toBe('completed');
    expect(result.modelPath).toBe(join(dir, 'ws/server/models/final.safetensors'));
    expect(result.rounds).toHaveLength(15);
    expect(c.err()).toContain('round 15/15  clients 4');
  });

  it('exits 2 on usage errors', async () => {
    const c = captureIo();
    expect(await main(['simulate', join(examples, 'hello-linear'), '-n', 'zero'], c.io)).toBe(2);
    expect(c.err()).toContain('-n must be a whole number >= 1');
    expect(await main(['simulate', join(examples, 'hello-linear'), '-n', '2', '-c', 'a,b'], c.io)).toBe(2);
    expect(await main(['no-such-command'], c.io)).toBe(2);
  });

  it('exits 1 with the reason when the job cannot run', async () => {
    const c = captureIo();
    expect(await main(['simulate', join(dir, 'missing-job'), '-n', '2', '-w', join(dir, 'ws')], c.io)).toBe(1);
    expect(c.err()).toContain('HEARTH_ERR_JOB_INVALID');
  });
});

describe('hearth plot', () => {
  interface PlotFile {
    path: string;
    title: string;
    series: string[];
  }

  /** Parses an SVG strictly and counts the paths of its line marks (vega draws one per series). */
  async function lineSeries(path: string): Promise<number> {
    const root = parseXml(await readFile(path, 'utf8'));
    expect(root.name).toBe('svg');
    return allElements(root).filter((e) => e.name === 'path' && e.attributes['aria-roledescription'] === 'line mark').length;
  }

  async function simulated(): Promise<string> {
    const ws = join(dir, 'ws');
    const c = captureIo();
    expect(await main(['simulate', join(examples, 'hello-linear'), '-n', '3', '-t', '2', '-w', ws, '--plot', '--json'], c.io)).toBe(0);
    const result = JSON.parse(c.out()) as { streamsDir: string; plots: PlotFile[] };
    expect(result.plots.map((p) => p.path)).toEqual([join(ws, 'plots/round-metrics.svg'), join(ws, 'plots/stream-train_loss.svg')]);
    for (const site of ['site-1', 'site-2', 'site-3']) {
      expect((await readFile(join(result.streamsDir, `${site}.jsonl`), 'utf8')).trimEnd().split('\n')).toHaveLength(150);
    }
    return ws;
  }

  it('draws valid SVG learning curves of a hello-linear run, one line per series', async () => {
    const ws = await simulated();
    const c = captureIo();
    expect(await main(['plot', ws, '-o', join(dir, 'charts'), '--json'], c.io)).toBe(0);
    const { files } = JSON.parse(c.out()) as { files: PlotFile[] };
    expect(files.map((f) => [f.path, f.series])).toEqual([
      [join(dir, 'charts/round-metrics.svg'), ['loss', 'loss_before']],
      [join(dir, 'charts/stream-train_loss.svg'), ['site-1', 'site-2', 'site-3']],
    ]);
    expect(await lineSeries(join(dir, 'charts/round-metrics.svg'))).toBe(2);
    expect(await lineSeries(join(dir, 'charts/stream-train_loss.svg'))).toBe(3);
    expect(await lineSeries(join(ws, 'plots/stream-train_loss.svg'))).toBe(3);

    const human = captureIo();
    expect(await main(['plot', ws], human.io)).toBe(0);
    expect(human.out()).toContain(`plot     ${join(ws, 'plots/stream-train_loss.svg')}  (train_loss per site, 3 series)`);
  });

  it('names the missing metrics.json, without a stack trace', async () => {
    const empty = join(dir, 'empty');
    await mkdir(empty);
    const c = captureIo();
    expect(await main(['plot', empty], c.io)).toBe(1);
    expect(c.err()).toBe(`HEARTH_ERR_PLOT_METRICS_NOT_FOUND: ${join(empty, 'metrics.json')} not found: is this the workspace of a finished run?\n`);
  });

  it('names the file and line of a corrupt JSON line, without a stack trace, and writes no plot', async () => {
    const ws = join(dir, 'ws');
    await mkdir(join(ws, 'server/metrics'), { recursive: true });
    await writeFile(join(ws, 'metrics.json'), JSON.stringify({ rounds: [{ round: 0, metrics: { loss: 1 } }] }));
    const good = JSON.stringify({ site: 'site-2', round: 0, step: 0, key: 'train_loss', value: 1, time: 1 });
    await writeFile(join(ws, 'server/metrics/site-2.jsonl'), `${good}\n${good.slice(0, 30)}\n${good}\n`);
    const c = captureIo();
    expect(await main(['plot', ws], c.io)).toBe(1);
    expect(c.err()).toMatch(new RegExp(`^HEARTH_ERR_PLOT_STREAM_INVALID: ${join(ws, 'server/metrics/site-2.jsonl')}:2:\\d+: not valid JSON: .+\\n$`));
    expect(c.err()).not.toMatch(/^\s+at /m);
    expect(await readdir(ws)).not.toContain('plots');
  });

  it('exits 2 for a format other than svg and says why in the help', async () => {
    const c = captureIo();
    expect(await main(['plot', dir, '--format', 'png'], c.io)).toBe(2);
    expect(c.err()).toContain('"png" is not supported; svg only: PNG needs a native canvas');
    const help = captureIo();
    expect(await main(['plot', '--help'], help.io)).toBe(0);
    expect(help.out()).toContain('PNG needs a native canvas');
  });
});
