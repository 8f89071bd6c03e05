/** Layout of the studies table, shared by the stack that creates it and the code that reads it. */
export const STUDIES_TABLE = {
  partitionKey: 'studyId',
  /** Global secondary index that lists studies by status, newest change first. */
  statusIndex: 'byStatus',
  statusIndexSortKey: 'updatedAt',
  /** Epoch seconds after which DynamoDB deletes an item (parked task tokens only). */
  expiryAttribute: 'expiresAt',
} as const;
