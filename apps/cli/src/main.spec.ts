import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from './main.js';

const examples = join(import.meta.dirname, '../../../examples');

function captureIo() {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (c: Buffer) => out.push(c.toString()));
  stderr.on('data', (c: Buffer) => err.push(c.toString()));
  return { io: { stdout, stderr }, out: () => out.join(''), err: () => err.join('') };
}

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
