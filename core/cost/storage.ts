import { ORIGINALS_CLASS_MINIMUM_DAYS } from '../pipeline/deployment-defaults';

/** The retention settings the cost model reads: the deploy options of the same names. */
export interface StorageSettings {
  workRetentionDays: number;
  logRetentionDays: number;
  originalsTransitionDays: number | 'never';
  originalsExpiryDays: number | 'never';
}

/** Days one study's originals are billed in each storage class, and whether they are moved at all. */
export interface OriginalsDays {
  standardDays: number;
  glacierIrDays: number;
  transitioned: boolean;
}

/**
 * How long a study's originals are billed in Standard and in Glacier Instant Retrieval. Originals that
 * never expire are counted as they stand after `operatingDays` of operation. Glacier Instant Retrieval
 * bills at least 90 days per object, whenever it is deleted.
 */
export function storedOriginals(settings: StorageSettings, operatingDays: number): OriginalsDays {
  const { originalsTransitionDays: transition, originalsExpiryDays: expiry } = settings;
  const kept = expiry === 'never' ? operatingDays : expiry;
  if (transition === 'never' || transition >= kept)
    return { standardDays: kept, glacierIrDays: 0, transitioned: false };
  const inGlacier = kept - transition;
  return {
    standardDays: transition,
    glacierIrDays: expiry === 'never' ? inGlacier : Math.max(inGlacier, ORIGINALS_CLASS_MINIMUM_DAYS),
    transitioned: true,
  };
}
