import { ExecutionAlreadyExists, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { EventBridgeEvent } from 'aws-lambda';
import { FUNCTION_ENV } from '../../core/pipeline/function-env';
import { readManifestEvent } from '../../core/pipeline/manifest-event';
import type { StudyRun } from '../../core/pipeline/run';
import { executionNameFor } from '../../core/study/study-id';
import { sfn } from '../shared/aws-clients';
import { requiredEnv } from '../shared/env';
import { logger } from '../shared/logger';
import { recordReceived } from '../shared/studies-table';

export interface StartOutcome {
  started: boolean;
  executionName?: string;
}

/**
 * EventBridge "Object Created" on incoming/{studyId}/manifest.json → RECEIVED + one state machine run.
 * Events arrive at least once: the execution name is derived from the manifest version, so a duplicate
 * asks for a name that already exists and starts nothing.
 */
export async function handler(event: EventBridgeEvent<'Object Created', unknown>): Promise<StartOutcome> {
  const outcome = readManifestEvent(event.detail);
  if (outcome.kind === 'ignored') {
    logger.warn('event ignored', { reason: outcome.reason, eventId: event.id });
    return { started: false };
  }
  const { bucket, studyId, manifestVersion, sequencer } = outcome.arrival;
  logger.appendKeys({ studyId });
  const run: StudyRun = { studyId, manifestVersion, bucket, artifacts: {} };
  const executionName = executionNameFor(studyId, manifestVersion);

  const arrival = await recordReceived(run, executionName, sequencer);
  if (arrival === 'superseded') {
    logger.warn('event for an older manifest version: nothing started', { executionName });
    return { started: false, executionName };
  }
  // A repeated event still asks Step Functions: if the first attempt died between the write and the start,
  // this starts the run; otherwise the name exists and nothing happens.
  try {
    await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: requiredEnv(FUNCTION_ENV.stateMachineArn),
        name: executionName,
        input: JSON.stringify(run),
      }),
    );
  } catch (error) {
    if (!(error instanceof ExecutionAlreadyExists)) throw error;
    logger.info('duplicate manifest event: run already started', { executionName });
    return { started: false, executionName };
  }
  logger.info('run started', { executionName, arrival });
  return { started: true, executionName };
}
