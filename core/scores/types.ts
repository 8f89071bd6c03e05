/**
 * The common shape of a classic severity score computed from a normalised clinical record
 * (each score's file cites its published definition). Missing inputs are never counted as 0 points: an item whose input is
 * absent has `points: null`, its fields are listed in `missing`, `partial` is true, and `value` is a lower
 * bound (`upperBound` is what the score would reach if every missing item scored its maximum).
 */

export type ScoreName =
  | 'SIRS'
  | 'BISAP'
  | 'Ranson'
  | 'Glasgow-Imrie'
  | 'CTSI'
  | 'MCTSI'
  | 'modified Marshall'
  | 'APACHE II'
  | 'revised Atlanta';

/**
 * The value an item was scored on, in the record's (SI) unit, or in the unit of the table column that
 * scored it where the item has a `basis`; `field` is its JSON path in clinical.json.
 */
export interface ScoreInput {
  field: string;
  value: number | string | boolean;
  /** Canonical unit of a quantity; '' for flags and choices. */
  unit: string;
}

export interface ScoreItem {
  item: string;
  /** Points scored; null when the item cannot be scored because an input is missing. */
  points: number | null;
  /**
   * Set when inputs are missing: the most this item could score were they known. With `points` a number,
   * the item is known in part (`points` is its lower bound).
   */
  upTo?: number;
  /** The deciding value; undefined when it is missing. */
  input: ScoreInput | undefined;
  /** The criterion as applied, in the record's units (and the source unit where it was converted). */
  rule: string;
  /** Fields this item needs and the record lacks. */
  missing?: string[];
  /** Which column of the published table scored the item, and why (modified Marshall creatinine). */
  basis?: string;
}

export interface ScoreResult<N extends ScoreName = ScoreName> {
  name: N;
  /** Points counted. When `partial`, a lower bound: missing items count nothing, not 0 points. */
  value: number;
  max?: number;
  /** The most the score could be if the missing inputs were known; equals `value` when not partial. */
  upperBound: number;
  items: ScoreItem[];
  /** Fields (JSON paths such as `admission.urea`) that items needed and the record lacks. */
  missing: string[];
  /** Items that could not be scored, or only in part. */
  missingItems: string[];
  partial: boolean;
  /** The score's band; when the missing inputs could move it to another band, says so. */
  interpretation?: string;
  /** The usual cut-off and whether it is met; `met` is undefined when missing inputs leave it open. */
  cutOff?: { rule: string; met: boolean | undefined };
}

export interface SirsResult extends ScoreResult<'SIRS'> {
  /** SIRS present (≥ 2 criteria); undefined when missing criteria leave it open. */
  present: boolean | undefined;
}

export type RansonVariant = 'non-gallstone' | 'gallstone';

export interface RansonResult extends ScoreResult<'Ranson'> {
  variant: RansonVariant;
  /** Why this variant: the etiology, the default (etiology not biliary or not sent), or the caller's option. */
  variantReason: string;
  /** Lower bounds when partial. */
  admissionPoints: number;
  h48Points: number;
}

export type MarshallSystem = 'respiratory' | 'renal' | 'cardiovascular';

export interface MarshallResult extends ScoreResult<'modified Marshall'> {
  /** Points per system (a lower bound where only part of its inputs is known, null where none are). */
  systems: Record<MarshallSystem, number | null>;
  /** The creatinine column that scored the renal system (the unit it was sent in); undefined when missing. */
  renalColumn: 'µmol/L' | 'mg/dL' | undefined;
  /** Any system ≥ 2 (revised Atlanta organ failure); undefined when missing inputs leave it open. */
  organFailure: boolean | undefined;
  failingSystems: MarshallSystem[];
}

export interface ApacheIIResult extends ScoreResult<'APACHE II'> {
  /** Acute physiology score: the 12 variables (lower bound when partial). */
  acutePhysiology: number;
  agePoints: number | null;
  chronicHealthPoints: number | null;
}

export type AtlantaSeverity = 'mild' | 'moderately-severe' | 'severe';

export interface AtlantaResult extends ScoreResult<'revised Atlanta'> {
  /** The class computed from the outcome; undefined when missing inputs leave it open. */
  severity: AtlantaSeverity | undefined;
  /** The class the hospital assigned (outcome.atlantaSeverity), where sent. */
  assigned?: AtlantaSeverity;
  /** How "persistent" organ failure was read from outcome.organFailureHours. */
  persistentWhen: PersistentBoundary;
}

/** Organ failure lasting exactly 48 h: "> 48 h" (scores.md default) makes it transient, "≥ 48 h" persistent. */
export type PersistentBoundary = '> 48 h' | '≥ 48 h';

export interface ClassicScoreOptions {
  /** BISAP high-risk cut-off (scores.md section 2: 3 for mortality; SAP papers often use 2). Default 3. */
  bisapHighRiskAt?: number;
  /** Override the Ranson variant chosen from the etiology. */
  ransonVariant?: RansonVariant;
  /**
   * Forces a modified Marshall creatinine column. Default: the column of the unit the creatinine was sent
   * in (marshall.ts says why the columns differ).
   */
  marshallCreatinineColumn?: 'µmol/L' | 'mg/dL';
  /** Default '> 48 h' (scores.md section 8). */
  atlantaPersistentWhen?: PersistentBoundary;
}

/** All classic scores for one record, keyed by score; `atlanta` only where the record has outcome data. */
export interface ClassicScores {
  sirs: SirsResult;
  bisap: ScoreResult<'BISAP'>;
  ranson: RansonResult;
  glasgowImrie: ScoreResult<'Glasgow-Imrie'>;
  ctsi: ScoreResult<'CTSI'>;
  mctsi: ScoreResult<'MCTSI'>;
  marshall: MarshallResult;
  apacheII: ApacheIIResult;
  atlanta?: AtlantaResult;
}
