import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import type { StageName } from '../../../core/pipeline/steps';
import type { ExecutionStatus } from './service';

/** One line of the journal: an execution started, passed a step, or ended. */
export type JournalEntry =
  | { type: 'started'; name: string; input: string; at: string }
  | { type: 'checkpoint'; name: string; stage: StageName; state: unknown }
  | {
      type: 'ended';
      name: string;
      status: ExecutionStatus;
      output?: string;
      error?: string;
      cause?: string;
      at: string;
    };

/** An execution as the journal left it: ended, or interrupted after its last checkpoint. */
export interface JournaledExecution {
  name: string;
  input: string;
  startDate: Date;
  /** The last step that succeeded and the state it produced; absent when none did. */
  checkpoint?: { stage: StageName; state: unknown };
  ended?: Extract<JournalEntry, { type: 'ended' }>;
}

/**
 * The runner's executions in a JSON-lines file, so that they outlive the process as Step Functions'
 * executions outlive any one host: a name that ran is still taken after a restart, and a run cut off by
 * Ctrl-C goes on from its last finished step when the stack starts again.
 */
export class ExecutionJournal {
  constructor(private readonly file: string) {}

  append(entry: JournalEntry): void {
    // Synchronous: an entry is on disk before the next step starts.
    appendFileSync(this.file, JSON.stringify(entry) + '\n');
  }

  load(): JournaledExecution[] {
    if (!existsSync(this.file)) return [];
    const executions = new Map<string, JournaledExecution>();
    for (const line of readFileSync(this.file, 'utf8').split('\n')) {
      const entry = parse(line);
      if (!entry) continue;
      if (entry.type === 'started') {
        executions.set(entry.name, { name: entry.name, input: entry.input, startDate: new Date(entry.at) });
        continue;
      }
      const execution = executions.get(entry.name);
      if (!execution) continue;
      if (entry.type === 'checkpoint') execution.checkpoint = { stage: entry.stage, state: entry.state };
      else execution.ended = entry;
    }
    return [...executions.values()];
  }
}

/** A line cut short by a crash mid-write is skipped: the entries before it still hold. */
function parse(line: string): JournalEntry | undefined {
  if (!line.trim()) return undefined;
  try {
    return JSON.parse(line) as JournalEntry;
  } catch {
    return undefined;
  }
}
