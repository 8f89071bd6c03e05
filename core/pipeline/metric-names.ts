/** CloudWatch names the handlers publish under and the stack's alarms and dashboard read. */
export const METRICS_NAMESPACE = 'sap-pipeline';
export const OLDEST_IN_PROGRESS_METRIC = 'OldestInProgressAgeSeconds';
