import type { StageName } from './steps';

/** Why a study failed, as stored on the study and in `rejected/{id}/reason.json`. */
export interface StudyFailure {
  stage: StageName;
  code: string;
  message: string;
}

/** What a Step Functions Catch (or the local runner) hands over: the error type and its cause. */
export interface CaughtError {
  Error?: string;
  Cause?: string;
}

const OWN_CODE = /^[A-Z][A-Z0-9_]{1,63}$/;
/** Room for a rejection that lists dozens of issues; Step Functions causes may hold 32,768 characters. */
const MAX_MESSAGE = 8000;

/** Turns a caught error into a failure with a stable code; unknown errors become INTERNAL_ERROR. */
export function describeFailure(stage: StageName, caught: CaughtError): StudyFailure {
  const type = caught.Error ?? '';
  const { text, cut } = messageOf(caught.Cause) ?? { text: type, cut: false };
  return {
    stage,
    code: codeOf(type, text),
    message: cut || text.length > MAX_MESSAGE ? cutShort(text) : text,
  };
}

const CUT_MARK = '… (cut short)';

function cutShort(text: string): string {
  return text.slice(0, MAX_MESSAGE - CUT_MARK.length) + CUT_MARK;
}

/** A function stopped by Lambda at its timeout: the step ran out of time, not into a bug. */
export const FUNCTION_TIMEOUT = 'FUNCTION_TIMEOUT';
/** A function whose runtime Lambda killed for exceeding its memory size. */
export const FUNCTION_OUT_OF_MEMORY = 'FUNCTION_OUT_OF_MEMORY';

/**
 * How Lambda reports a function it stopped: the runtime's own error types (Sandbox.Timedout,
 * Runtime.OutOfMemory), or, through Step Functions, Lambda.Unknown with the runtime's message
 * ("Task timed out after ...", "Runtime exited with error: signal: killed"):
 * https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html
 */
function lambdaStopCode(type: string, text: string): string | undefined {
  if (type === 'Sandbox.Timedout') return FUNCTION_TIMEOUT;
  if (type === 'Runtime.OutOfMemory') return FUNCTION_OUT_OF_MEMORY;
  if (type !== 'Lambda.Unknown') return undefined;
  if (/Task timed out after/.test(text)) return FUNCTION_TIMEOUT;
  if (/signal: killed|out of memory|OutOfMemory/i.test(text)) return FUNCTION_OUT_OF_MEMORY;
  return undefined;
}

function codeOf(type: string, text: string): string {
  if (OWN_CODE.test(type)) return type;
  const stopped = lambdaStopCode(type, text);
  if (stopped) return stopped;
  if (type === 'States.Timeout' || type === 'States.HeartbeatTimeout') return 'STEP_TIMEOUT';
  if (type.startsWith('States.')) return 'ORCHESTRATION_ERROR';
  return 'INTERNAL_ERROR';
}

/**
 * Lambda reports a thrown error as JSON `{errorType, errorMessage, trace}`; other causes are plain text.
 * Step Functions keeps only the first 32,768 characters of a cause
 * (https://docs.aws.amazon.com/step-functions/latest/apireference/API_TaskFailedEventDetails.html), so a
 * long one arrives as JSON cut short: its errorMessage is then read as far as it goes.
 */
function messageOf(cause: string | undefined): { text: string; cut: boolean } | undefined {
  if (!cause) return undefined;
  try {
    const parsed: unknown = JSON.parse(cause);
    if (
      parsed &&
      typeof parsed === 'object' &&
      'errorMessage' in parsed &&
      typeof parsed.errorMessage === 'string'
    ) {
      return { text: parsed.errorMessage, cut: false };
    }
    return { text: cause, cut: false };
  } catch {
    // not JSON, or JSON cut short
  }
  return truncatedErrorMessage(cause) ?? { text: cause, cut: false };
}

const ERROR_MESSAGE_FIELD = /^\{\s*"errorType"\s*:\s*"(?:[^"\\]|\\.)*"\s*,\s*"errorMessage"\s*:\s*"/;

/** The errorMessage of a Lambda error report cut short: as far as it goes, and whether it was cut. */
function truncatedErrorMessage(cause: string): { text: string; cut: boolean } | undefined {
  const field = ERROR_MESSAGE_FIELD.exec(cause);
  if (!field) return undefined;
  const { content, closed } = jsonStringContent(cause, field[0].length);
  try {
    return { text: JSON.parse(`"${content}"`) as string, cut: !closed };
  } catch {
    return undefined;
  }
}

/** The raw content of a JSON string from `start` to its closing quote, or to the last whole character. */
function jsonStringContent(text: string, start: number): { content: string; closed: boolean } {
  let i = start;
  while (i < text.length) {
    const char = text[i];
    if (char === '"') return { content: text.slice(start, i), closed: true };
    if (char !== '\\') i += 1;
    else {
      const length = text[i + 1] === 'u' ? 6 : 2;
      // An escape the cut left unfinished ends the content before it.
      if (i + length > text.length) break;
      i += length;
    }
  }
  return { content: text.slice(start, i), closed: false };
}
