import { FrameInbox } from './frame-inbox.js';

describe('FrameInbox', () => {
  it('pauses the transport at the high-water mark and resumes at half of it', async () => {
    const events: string[] = [];
    const inbox = new FrameInbox({ highWaterFrames: 4, pause: () => events.push('pause'), resume: () => events.push('resume') });
    for (let index = 0; index < 5; index += 1) inbox.push(Uint8Array.of(index));
    expect(events).toEqual(['pause']);
    const iterator = inbox[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toEqual(Uint8Array.of(0));
    expect((await iterator.next()).value).toEqual(Uint8Array.of(1));
    expect(events).toEqual(['pause']);
    expect((await iterator.next()).value).toEqual(Uint8Array.of(2));
    expect(events).toEqual(['pause', 'resume']);
  });

  it('delivers queued frames after end, then finishes, and waits for frames pushed later', async () => {
    const inbox = new FrameInbox({ highWaterFrames: 8, pause: () => undefined, resume: () => undefined });
    const iterator = inbox[Symbol.asyncIterator]();
    const waiting = iterator.next();
    inbox.push(Uint8Array.of(7));
    expect((await waiting).value).toEqual(Uint8Array.of(7));
    inbox.push(Uint8Array.of(8));
    inbox.end();
    inbox.push(Uint8Array.of(9));
    expect((await iterator.next()).value).toEqual(Uint8Array.of(8));
    expect((await iterator.next()).done).toBe(true);
  });

  it('has one reader', async () => {
    const inbox = new FrameInbox({ highWaterFrames: 8, pause: () => undefined, resume: () => undefined });
    const first = inbox[Symbol.asyncIterator]().next();
    await expect(inbox[Symbol.asyncIterator]().next()).rejects.toThrow('a connection has one reader');
    inbox.end();
    expect((await first).done).toBe(true);
  });
});
