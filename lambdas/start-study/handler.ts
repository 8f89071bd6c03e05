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
import { manifestStanding } from './current-manifest';
import { perInvocation } from '../shared/per-invocation';

export interface StartOutcome {
  started: boolean;
  executionName?: string;
}

export const handler = perInvocation(startStudy);

/**
 * EventBridge "Object Created" on incoming/{studyId}/manifest.json → RECEIVED + one state machine run.
 * Only the manifest's current version starts a run (HeadObject), so an event overtaken by a re-upload
 * starts nothing, in whatever order events arrive. Events arrive at least once, and a failed attempt is
 * retried with the same event: the execution name is derived from the manifest version, so a repeat finds
 * its RECEIVED record and asks again for the same name, which starts the run if the attempt before died
 * between the write and the start, and otherwise starts nothing.
 */
async function startStudy(event: EventBridgeEvent<'Object Created', unknown>): Promise<StartOutcome> {
  const outcome = readManifestEvent(event.detail);
  if (outcome.kind === 'ignored') {
    logger.warn('event ignored', { reason: outcome.reason, eventId: event.id });
    return { started: false };
  }
  const { bucket, studyId, manifestVersion, sequencer } = outcome.arrival;
  logger.appendKeys({ studyId });
  const run: StudyRun = { studyId, manifestVersion, bucket, artifacts: {} };
  const executionName = executionNameFor(studyId, manifestVersion);

  const standing = await manifestStanding(bucket, studyId, manifestVersion);
  if (standing !== 'current') {
    logger.warn('event for a manifest version that is no longer current: nothing started', {
      executionName,
      standing,
    });
    return { started: false, executionName };
  }
  // The sequencer condition still orders two current-at-the-time events handled at once.
  const arrival = await recordReceived(run, executionName, sequencer);
  if (arrival === 'superseded') {
    logger.warn('event for an older manifest version: nothing started', { executionName });
    return { started: false, executionName };
  }
  try {
    // Standard workflows: the same name and input while running answers success; a closed one or other
    // input is ExecutionAlreadyExists.
    // https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html
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
