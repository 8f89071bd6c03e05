import { Logger } from '@aws-lambda-powertools/logger';

/**
 * JSON lines to stdout, which SageMaker ships to CloudWatch. Log study ids, codes and timings only: never
 * header fields, voxel values or anything else that could identify a patient.
 */
export const logger = new Logger({ serviceName: 'sap-inference' });
