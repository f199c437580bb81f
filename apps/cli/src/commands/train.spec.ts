import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSafetensorsFile } from '@hearth/codec';
import { FASHION_MNIST_SUBSET_DIR } from '@hearth/data';
import { main } from '../main.js';
import { captureIo } from '../testing/capture-io.js';


let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-train-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('hearth train', () => {
  it('trains an MLP for an epoch, reports it on stderr, and writes the learning curve and the model', async () => {
    const c = captureIo();
    const args = ['train', '--model', 'mlp', '--epochs', '1', '--batch-size', '50', '--data-dir', FASHION_MNIST_SUBSET_DIR, '-w', dir, '--providers', 'cpu', '--json'];
    expect(await main(args, c.io)).toBe(0);
    expect(c.err()).toMatch(/^epoch 1\/1 {2}train_loss \d+\.\d{4} {2}train_accuracy \d+\.\d\d% {2}test_loss \d+\.\d{4} {2}test_accuracy \d+\.\d\d%/m);
    const report = JSON.parse(c.out()) as { curve: { test_accuracy: number }[]; model: string; learningCurve: string; args: { lr: number } };
    expect(report.model).toBe(join(dir, 'model.safetensors'));
    expect(report.args.lr).toBe(1e-3);
    expect(report.curve).toHaveLength(1);
    expect(report.curve[0]?.test_accuracy).toBeGreaterThan(0.6);
    const saved = JSON.parse(await readFile(join(dir, 'learning-curve.json'), 'utf8')) as { curve: unknown[] };
    expect(saved.curve).toEqual(report.curve);
    const model = await readSafetensorsFile(report.model);
    expect([...model.params.keys()]).toEqual(['fc0.weight', 'fc0.bias', 'fc1.weight', 'fc1.bias']);
    expect(model.params.get('fc0.weight')?.shape).toEqual([128, 784]);
  }, 60_000);

  it('exits 2 on usage errors', async () => {
    const c = captureIo();
    expect(await main(['train', '--model', 'resnet50'], c.io)).toBe(2);
    expect(c.err()).toContain('Allowed choices are fashion_mnist_cnn, mlp, logistic_regression');
    expect(await main(['train', '--epochs', '0'], captureIo().io)).toBe(2);
  });

  it('exits 1 with the coded error when the data folder has no Fashion-MNIST', async () => {
    const c = captureIo();
    expect(await main(['train', '--model', 'logistic_regression', '--epochs', '1', '--data-dir', dir, '-w', join(dir, 'ws'), '--providers', 'cpu'], c.io)).toBe(1);
    expect(c.err()).toContain('HEARTH_ERR_DATA_DATASET_NOT_FOUND');
  });
});
