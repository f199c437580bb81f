import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commError, CommErrorCode } from '../errors.js';
import { FileSink } from './file-sink.js';

describe('FileSink', () => {
  let directory: string;

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'hearth-file-sink-'));
  });

  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('writes chunks at their offsets into <path>.partial and renames it on completion', async () => {
    const path = join(directory, 'model.bin');
    const sink = new FileSink({ path, byteLength: 6, maxBytes: 10 });
    await sink.write(Uint8Array.of(1, 2, 3), 0);
    expect(await readdir(directory)).toEqual(['model.bin.partial']);
    await sink.write(Uint8Array.of(4, 5, 6), 3);
    await sink.complete();
    expect(await sink.result).toBe(path);
    expect([...(await readFile(path))]).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await readdir(directory)).toEqual(['model.bin']);
  });

  it('removes the partial file when aborted', async () => {
    const sink = new FileSink({ path: join(directory, 'x'), byteLength: 6, maxBytes: 10 });
    await sink.write(Uint8Array.of(1), 0);
    await sink.abort(commError(CommErrorCode.ABORTED, 'cancelled'));
    await expect(sink.result).rejects.toMatchObject({ code: CommErrorCode.ABORTED });
    expect(await readdir(directory)).toEqual([]);
  });

  it('refuses payloads over maxBytes and writes outside the payload', async () => {
    expect(() => new FileSink({ path: join(directory, 'x'), byteLength: 11, maxBytes: 10 })).toThrow(
      expect.objectContaining({ code: CommErrorCode.LIMIT_EXCEEDED }),
    );
    const sink = new FileSink({ path: join(directory, 'y'), byteLength: 2, maxBytes: 10 });
    await expect(sink.write(Uint8Array.of(1, 2, 3), 0)).rejects.toMatchObject({ code: CommErrorCode.PROTOCOL_VIOLATION });
    await sink.abort(commError(CommErrorCode.ABORTED, 'done'));
  });

  it('reports a directory that cannot be written as TRANSFER_FAILED', async () => {
    const sink = new FileSink({ path: join(directory, 'missing', 'x'), byteLength: 1, maxBytes: 10 });
    await expect(sink.write(Uint8Array.of(1), 0)).rejects.toMatchObject({ code: CommErrorCode.TRANSFER_FAILED });
    await sink.abort(commError(CommErrorCode.ABORTED, 'done'));
  });
});
