import type { IpcChannel } from '../ipc/ipc-channel.js';

/** Two connected in-memory IPC ends (parent, child): what one sends the other receives on a later microtask. */
export function ipcPair(): { readonly parent: IpcChannel; readonly child: IpcChannel; readonly sentToParent: unknown[] } {
  const listeners: { parent: Array<(m: unknown) => void>; child: Array<(m: unknown) => void> } = { parent: [], child: [] };
  const disconnects: { parent: Array<() => void>; child: Array<() => void> } = { parent: [], child: [] };
  const sentToParent: unknown[] = [];
  let connected = true;
  const end = (self: 'parent' | 'child'): IpcChannel => {
    const other = self === 'parent' ? 'child' : 'parent';
    return {
      send: async (message) => {
        if (!connected) throw new Error('disconnected');
        const copy: unknown = JSON.parse(JSON.stringify(message));
        if (other === 'parent') sentToParent.push(copy);
        await Promise.resolve();
        for (const listener of listeners[other]) listener(copy);
      },
      onMessage: (listener) => listeners[self].push(listener),
      onDisconnect: (listener) => disconnects[self].push(listener),
      disconnect: () => {
        if (!connected) return;
        connected = false;
        for (const listener of disconnects[other]) listener();
      },
    };
  };
  return { parent: end('parent'), child: end('child'), sentToParent };
}
