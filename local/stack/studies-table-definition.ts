import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { STUDIES_TABLE } from '../../core/study/table-layout';

/**
 * The studies table as lib/constructs/storage.ts declares it: both take key, index and sort-key names from
 * core's STUDIES_TABLE. The TTL attribute is not declared here: dynalite has no UpdateTimeToLive, and
 * storing the attribute works without it.
 */
export function studiesTableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: STUDIES_TABLE.partitionKey, AttributeType: 'S' },
      { AttributeName: 'status', AttributeType: 'S' },
      { AttributeName: STUDIES_TABLE.statusIndexSortKey, AttributeType: 'S' },
    ],
    KeySchema: [{ AttributeName: STUDIES_TABLE.partitionKey, KeyType: 'HASH' }],
    GlobalSecondaryIndexes: [
      {
        IndexName: STUDIES_TABLE.statusIndex,
        KeySchema: [
          { AttributeName: 'status', KeyType: 'HASH' },
          { AttributeName: STUDIES_TABLE.statusIndexSortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ],
  };
}
