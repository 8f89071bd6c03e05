/**
 * Loaded (node --import) before the inference container's entry point when the local stack starts it:
 * the stack holds the container's stdin open, so its end means the stack's process is gone, and the
 * container is stopped as SageMaker stops one (SIGTERM) instead of living on as an orphan.
 */
process.stdin.on('end', () => process.kill(process.pid, 'SIGTERM'));
process.stdin.resume();
