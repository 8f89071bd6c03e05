/**
 * Runs tasks one at a time, in arrival order. One inference holds the GPU (or every CPU thread) and
 * several hundred MB of volume and activations; running two at once would only make both slower and
 * risk running out of memory. The async endpoint keeps the backlog, not this process.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    // The next task waits for this one to settle, whatever its outcome.
    this.tail = result.catch(() => undefined);
    return result;
  }
}
