import type { BatchProgress } from './run-batch';

const BAR_WIDTH = 30;

/** A terminal redraws the bar in place; a pipe or a log gets one plain line per item. */
export type ProgressOutput =
  { isTTY: true; write(text: string): void } | { isTTY: false; line(text: string): void };

/** The bar and its counts on one line, e.g. `[#######-------] 7/20  5 completed  1 failed  1 skipped`. */
export function progressLine(progress: BatchProgress): string {
  const share = progress.total > 0 ? progress.done / progress.total : 1;
  const filled = Math.round(share * BAR_WIDTH);
  return (
    `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${progress.done}/${progress.total}` +
    `  ${progress.completed} completed  ${progress.failed} failed  ${progress.skipped} skipped`
  );
}

/** One item's end as a plain line; a failure with its code and reason. */
export function itemLine(progress: BatchProgress): string | undefined {
  const { ended } = progress;
  if (!ended) return undefined;
  const how =
    ended.status === 'SKIPPED'
      ? 'skipped (completed by an earlier run)'
      : `${ended.status}${ended.code ? ` ${ended.code}` : ''}${ended.message ? `: ${oneLine(ended.message)}` : ''}`;
  return `[${progress.done}/${progress.total}] ${ended.item}: ${how}`;
}

/** A message on the item's one line. */
const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

/** Reports a batch's progress: the bar redrawn in place on a terminal (failures above it), plain lines otherwise. */
export function progressReporter(output: ProgressOutput): {
  update(progress: BatchProgress): void;
  /** Ends the bar's line on a terminal. */
  finish(): void;
} {
  let drawn = false;
  return {
    update(progress) {
      if (output.isTTY) {
        // A failure and its reason stay on the screen, above the bar.
        const failed = progress.ended?.status === 'FAILED' ? `\r\x1b[K${itemLine(progress)}\n` : '';
        output.write(`${failed}\r\x1b[K${progressLine(progress)}`);
        drawn = true;
        return;
      }
      const line = itemLine(progress);
      if (line) output.line(line);
    },
    finish() {
      if (drawn && output.isTTY) output.write('\n');
      drawn = false;
    },
  };
}
