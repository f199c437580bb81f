import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FASHION_MNIST_SUBSET_DIR } from '@hearth/data';
import { simulateJob, simulatedSiteNames } from '@hearth/runner';
import { main } from '../main.js';
import { captureIo } from '../testing/capture-io.js';


let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-job-create-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('hearth job create', () => {
  it.each(['fedavg', 'fedprox', 'fedopt', 'scaffold', 'cyclic'])('--template %s writes a job that hearth job validate accepts', async (template) => {
    const job = join(dir, template);
    const created = captureIo();
    expect(await main(['job', 'create', '--template', template, '-o', job, '--clients', '4', '--alpha', '0.1', '--rounds', '3', '--local-epochs', '2', '--seed', '5'], created.io)).toBe(0);
    expect(created.out()).toBe(`${job}: ${template} job "${template}-fashion-mnist", 4 clients, alpha 0.1, 3 rounds x 2 local epochs, fashion_mnist_cnn\n`);
    const validated = captureIo();
    expect(await main(['job', 'validate', job], validated.io)).toBe(0);
    expect(validated.out()).toBe(`${job}: valid\n`);
    const client = JSON.parse(await readFile(join(job, 'app/config/config_fed_client.json'), 'utf8')) as {
      executors: Array<{ executor: { args: { dataset: { partition: unknown; num_clients: number }; local_epochs: number } } }>;
    };
    const args = client.executors[0]?.executor.args;
    expect(args?.dataset).toEqual(expect.objectContaining({ partition: { kind: 'dirichlet', alpha: 0.1, seed: 5 }, num_clients: 4 }));
    expect(args?.local_epochs).toBe(2);
  }, 30_000);

  it('prints the options it used as JSON with --json', async () => {
    const c = captureIo();
    expect(await main(['job', 'create', '--template', 'fedopt', '-o', join(dir, 'j'), '--model', 'mlp', '--hidden', '64,32', '--lr', '0.1', '--json'], c.io)).toBe(0);
    const printed = JSON.parse(c.out()) as { template: string; options: { model: string; hidden: number[]; lr: number; rounds: number; serverOptimizer: unknown } };
    expect(printed.template).toBe('fedopt');
    expect(printed.options).toEqual(expect.objectContaining({ model: 'mlp', hidden: [64, 32], lr: 0.1, rounds: 5, serverOptimizer: { optimizer: 'sgd', learningRate: 1, momentum: 0.9 } }));
  });

  it('exits 2 naming the choices for an unknown template, and writes nothing', async () => {
    const c = captureIo();
    expect(await main(['job', 'create', '--template', 'fedsgd', '-o', join(dir, 'j')], c.io)).toBe(2);
    expect(c.err()).toContain("argument 'fedsgd' is invalid. Allowed choices are fedavg, fedprox, fedopt, scaffold, cyclic.");
    expect(await readdir(dir)).toEqual([]);
  });

  it.each([
    [['--clients', '0'], 'template option clients must be a whole number >= 1, got 0'],
    [['--alpha', '0'], 'template option alpha must be a finite number > 0, got 0'],
    [['--rounds', 'many'], "option '--rounds <count>' argument 'many' is invalid. must be a whole number"],
    [['--hidden', '16'], 'template option hidden applies to the mlp model only, not fashion_mnist_cnn'],
  ])('exits 2 naming the option for %j', async (flags, message) => {
    const c = captureIo();
    expect(await main(['job', 'create', '--template', 'fedavg', '-o', join(dir, 'j'), ...flags], c.io)).toBe(2);
    expect(c.err()).toContain(message);
  });

  it('exits 1 when -o holds files, and writes into it with --force', async () => {
    await writeFile(join(dir, 'notes.txt'), 'mine');
    const refused = captureIo();
    expect(await main(['job', 'create', '--template', 'fedavg', '-o', dir], refused.io)).toBe(1);
    expect(refused.err()).toBe(`error: ${dir} is not empty; pass --force to write the job into it anyway\n`);
    expect(await readdir(dir)).toEqual(['notes.txt']);
    expect(await main(['job', 'create', '--template', 'fedavg', '-o', dir, '--force'], captureIo().io)).toBe(0);
    expect(await main(['job', 'validate', dir], captureIo().io)).toBe(0);
    expect(await readFile(join(dir, 'notes.txt'), 'utf8')).toBe('mine');
  }, 30_000);

  it('writes a small job (committed subset, tiny MLP, 2 clients, 1 round) that simulateJob runs', async () => {
    const job = join(dir, 'job');
    const flags = ['--clients', '2', '--rounds', '1', '--model', 'mlp', '--hidden', '16', '--lr', '0.05', '--data-dir', FASHION_MNIST_SUBSET_DIR];
    expect(await main(['job', 'create', '--template', 'fedavg', '-o', job, ...flags], captureIo().io)).toBe(0);
    const result = await simulateJob({ jobDir: job, clients: simulatedSiteNames(2), threads: 2, workspaceDir: join(dir, 'ws') });
    expect(result.status).toBe('completed');
    expect(result.rounds).toHaveLength(1);
    expect(result.rounds[0]?.clients.slice().sort()).toEqual(['site-1', 'site-2']);
    expect(result.rounds[0]?.metrics['train_accuracy']).toBeGreaterThan(0.5);
    expect(result.modelPath).toBe(join(dir, 'ws/server/models/final.safetensors'));
  }, 60_000);
});
