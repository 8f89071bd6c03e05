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
  const message = messageOf(caught.Cause) ?? type;
  return { stage, code: codeOf(type), message: message.slice(0, MAX_MESSAGE) };
}

function codeOf(type: string): string {
  if (OWN_CODE.test(type)) return type;
  if (type === 'States.Timeout' || type === 'States.HeartbeatTimeout') return 'STEP_TIMEOUT';
  if (type.startsWith('States.')) return 'ORCHESTRATION_ERROR';
  return 'INTERNAL_ERROR';
}

/** Lambda reports a thrown error as JSON `{errorType, errorMessage, trace}`; other causes are plain text. */
function messageOf(cause: string | undefined): string | undefined {
  if (!cause) return undefined;
  try {
    const parsed: unknown = JSON.parse(cause);
    if (
      parsed &&
      typeof parsed === 'object' &&
      'errorMessage' in parsed &&
      typeof parsed.errorMessage === 'string'
    ) {
      return parsed.errorMessage;
    }
  } catch {
    // not JSON: the cause is the message
  }
  return cause;
}
