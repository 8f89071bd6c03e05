import type { Context } from 'aws-lambda';
import { logger } from './logger';

/**
 * Wraps a handler so that each invocation logs with its own keys only. The logger lives as long as the
 * container, and the keys a handler appends (studyId, stage, batchId) would otherwise stay on the next
 * invocation's lines, including those it writes before it knows its own study. The keys are cleared at
 * the start, not the end, so a handler that was cut off cannot leave its keys behind either.
 *
 * The context is optional: the local stack invokes handlers with the event alone.
 */
export function perInvocation<Event, Result>(
  handle: (event: Event, context?: Context) => Promise<Result>,
): (event: Event, context?: Context) => Promise<Result> {
  return async (event, context) => {
    logger.resetKeys();
    if (context) logger.addContext(context);
    return handle(event, context);
  };
}
