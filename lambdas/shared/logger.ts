import { Logger } from '@aws-lambda-powertools/logger';

/**
 * One structured logger per function. Log study ids, stages and codes only: never clinical values,
 * image headers or anything else that could identify a patient.
 */
export const logger = new Logger({ serviceName: 'sap-pipeline' });
