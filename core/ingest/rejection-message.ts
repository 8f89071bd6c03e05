import { describeIssue, type ValidationIssue } from '../input/issues';

/**
 * How much of a rejection the thrown message lists. Step Functions keeps at most 32,768 characters of a
 * task failure's cause (https://docs.aws.amazon.com/step-functions/latest/apireference/API_TaskFailedEventDetails.html),
 * and Lambda's cause holds the message twice (errorMessage, and the stack in trace), escaped as JSON: a
 * message of at most 6,000 characters leaves the cause whole.
 */
export const REJECTION_MESSAGE = { maxIssues: 25, maxChars: 6000 } as const;

/**
 * The message of a rejected study: its first issues, one per line as `[CODE] file field: message`, and,
 * when there are more than fit, how many more and where the full report is.
 */
export function rejectionMessage(issues: ValidationIssue[], fullReportKey: string): string {
  const lines: string[] = [];
  let chars = 0;
  for (const issue of issues.slice(0, REJECTION_MESSAGE.maxIssues)) {
    const line = describeIssue(issue);
    // One very long issue alone is cut rather than dropped: the first issue is always named.
    const room = REJECTION_MESSAGE.maxChars - chars - 200;
    if (line.length + 1 > room) {
      if (lines.length === 0) lines.push(`${line.slice(0, room - 1)}…`);
      break;
    }
    lines.push(line);
    chars += line.length + 1;
  }
  const rest = issues.length - lines.length;
  if (rest > 0)
    lines.push(
      `… and ${rest} more issue${rest === 1 ? '' : 's'} (${issues.length} in all): the full report is ${fullReportKey}`,
    );
  return lines.join('\n');
}
