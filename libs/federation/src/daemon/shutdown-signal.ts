/** The signals that stop a daemon gracefully. */
const SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];

/**
 * Resolves with the first SIGTERM or SIGINT the process gets (or when `other` settles, with undefined).
 * A second signal while the daemon shuts down calls `onForce`, so a stuck shutdown can be cut short.
 */
export function shutdownSignal(options: { readonly other?: Promise<unknown>; readonly onForce: (signal: NodeJS.Signals) => void }): Promise<NodeJS.Signals | undefined> {
  return new Promise((resolve) => {
    let received = false;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (received) {
        options.onForce(signal);
        return;
      }
      received = true;
      resolve(signal);
    };
    for (const signal of SIGNALS) process.on(signal, onSignal);
    void options.other?.then(
      () => resolve(undefined),
      () => resolve(undefined),
    );
  });
}
