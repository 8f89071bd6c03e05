/** Ctrl-C (SIGINT) or a service manager's SIGTERM. */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;
/** 128 + SIGINT, the shell's code for a process ended by Ctrl-C. */
const FORCED_EXIT_CODE = 130;

/**
 * Resolves with the first stop signal; while waiting, those signals do not kill the process, so the
 * caller can close its servers first. A second signal exits at once, should stopping hang. `dispose`
 * puts Node's default handling back.
 */
export function stopSignal(): { received: Promise<NodeJS.Signals>; dispose(): void } {
  let resolve: (signal: NodeJS.Signals) => void = () => undefined;
  const received = new Promise<NodeJS.Signals>((r) => (resolve = r));
  let count = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    if (++count > 1) process.exit(FORCED_EXIT_CODE);
    resolve(signal);
  };
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  return {
    received,
    dispose: () => {
      for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
    },
  };
}
