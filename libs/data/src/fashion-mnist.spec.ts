import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FASHION_MNIST_SUBSET_DIR, loadFashionMnist } from './fashion-mnist.js';

describe('loadFashionMnist', () => {
  let empty: string;
  beforeAll(async () => {
    empty = await mkdtemp(join(tmpdir(), 'hearth-fmnist-'));
  });
  afterAll(async () => {
    await rm(empty, { recursive: true, force: true });
  });

  it('falls back to the committed subset with 2,000 training and 500 test images', async () => {
    const train = await loadFashionMnist({ split: 'train', systemDir: empty });
    expect(train.source).toBe('subset');
    expect(train.dir).toBe(FASHION_MNIST_SUBSET_DIR);
    expect(train.dataset.shape).toEqual([2000, 28, 28]);
    expect(train.dataset.x).toHaveLength(2000 * 784);
    expect(train.dataset.y).toHaveLength(2000);
    const test = await loadFashionMnist({ split: 'test', systemDir: empty });
    expect(test.dataset.shape).toEqual([500, 28, 28]);
    for (const { dataset } of [train, test]) {
      expect(Math.min(...dataset.y)).toBe(0);
      expect(Math.max(...dataset.y)).toBe(9);
      expect(new Set(dataset.y).size).toBe(10);
      let min = Infinity;
      let max = -Infinity;
      for (const v of dataset.x) {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
      expect(min).toBe(0);
      expect(max).toBe(1);
    }
  });

  it('keeps raw pixel values when asked', async () => {
    const raw = await loadFashionMnist({ split: 'test', dir: FASHION_MNIST_SUBSET_DIR, scaleToUnit: false });
    expect(raw.source).toBe('dir');
    expect(Math.max(...raw.dataset.x.subarray(0, 784))).toBe(255);
    expect(Number.isInteger(raw.dataset.x[400])).toBe(true);
  });

  it('prefers the system directory when it holds the files', async () => {
    const loaded = await loadFashionMnist({ split: 'test', systemDir: FASHION_MNIST_SUBSET_DIR });
    expect(loaded.source).toBe('system');
  });

  it('fails with a coded error when an explicit directory lacks the files', async () => {
    await expect(loadFashionMnist({ split: 'train', dir: empty })).rejects.toMatchObject({
      code: 'HEARTH_ERR_DATA_DATASET_NOT_FOUND',
      message: expect.stringContaining(empty),
    });
  });
});
