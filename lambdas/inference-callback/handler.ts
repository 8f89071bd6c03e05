import {
  InvalidToken,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import type { SNSEvent } from 'aws-lambda';
import {
  isTransientInferenceFailure,
  readInferenceNotification,
} from '../../core/pipeline/inference-notification';
import type { StudyRun } from '../../core/pipeline/run';
import { TRANSIENT } from '../../core/pipeline/step-error';
import { workKeys } from '../../core/study/keys';
import { sfn } from '../shared/aws-clients';
import { logger } from '../shared/logger';
import { dropTaskToken, findTaskToken } from '../shared/studies-table';
import { perInvocation } from '../shared/per-invocation';

export const handler = perInvocation(deliverInferenceOutcome);

/**
 * SNS notification from the inference endpoint → completes the Infer step's task token.
 * Notifications can repeat or arrive after the step timed out: an unknown or spent token is logged and
 * dropped, never retried forever.
 */
async function deliverInferenceOutcome(event: SNSEvent): Promise<void> {
  for (const record of event.Records) {
    const outcome = readInferenceNotification(record.Sns.Message);
    const parked = await findTaskToken(outcome.inferenceId);
    if (!parked) {
      logger.warn('no waiting step for this inference', { inferenceId: outcome.inferenceId });
      continue;
    }
    const { taskToken, run } = parked;
    logger.appendKeys({ studyId: run.studyId, inferenceId: outcome.inferenceId });
    try {
      if (outcome.succeeded) {
        const next: StudyRun = {
          ...run,
          artifacts: {
            ...run.artifacts,
            mask: workKeys(run).mask,
            inference: workKeys(run).inference,
          },
        };
        await sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(next) }));
      } else {
        // A transient failure fails the task as TRANSIENT: the Infer step retries it with a new invocation.
        const transient = isTransientInferenceFailure(outcome.reason);
        await sfn.send(
          new SendTaskFailureCommand({
            taskToken,
            error: transient ? TRANSIENT : 'INFERENCE_FAILED',
            cause: outcome.reason.slice(0, 32_000),
          }),
        );
      }
    } catch (error) {
      if (!(error instanceof TaskTimedOut || error instanceof InvalidToken)) throw error;
      logger.warn('step no longer waiting', { error: (error as Error).name });
    }
    await dropTaskToken(outcome.inferenceId);
  }
}
