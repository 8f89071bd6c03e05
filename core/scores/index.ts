import type { NormalisedClinical } from '../ingest/clinical';
import { apacheII } from './apache-ii';
import { hasOutcome, revisedAtlanta } from './atlanta';
import { bisap } from './bisap';
import { ctsi } from './ctsi';
import { glasgowImrie } from './glasgow-imrie';
import { modifiedMarshall } from './marshall';
import { mctsi } from './mctsi';
import { ranson } from './ranson';
import { sirs } from './sirs';
import type { ClassicScoreOptions, ClassicScores } from './types';

/**
 * The classic acute-pancreatitis scores (each score's file cites its published definition) computed from a normalised clinical
 * record, for the Fuse step's result and `sap scores`. Every result lists the inputs it lacked: a missing
 * input is never counted as 0 points, and a partial score is a lower bound (see types.ts).
 *
 * SABP (Hong et al., J Transl Med 2019: SIRS, albumin, BUN, pleural effusion, 0-10) is not implemented:
 * its per-component points and cut-offs (Table 3 of the paper) are not in scores.md, and inventing them
 * would make a comparator that is not SABP (scores.md section 9).
 */
export function classicScores(
  clinical: NormalisedClinical,
  options: ClassicScoreOptions = {},
): ClassicScores {
  const sirsResult = sirs(clinical);
  const scores: ClassicScores = {
    sirs: sirsResult,
    bisap: bisap(clinical, options.bisapHighRiskAt, sirsResult),
    ranson: ranson(clinical, options.ransonVariant),
    glasgowImrie: glasgowImrie(clinical),
    ctsi: ctsi(clinical),
    mctsi: mctsi(clinical),
    marshall: modifiedMarshall(clinical, options.marshallCreatinineColumn),
    apacheII: apacheII(clinical),
  };
  if (hasOutcome(clinical)) scores.atlanta = revisedAtlanta(clinical, options.atlantaPersistentWhen);
  return scores;
}

export { apacheII, bisap, ctsi, glasgowImrie, mctsi, modifiedMarshall, ranson, revisedAtlanta, sirs };
export type * from './types';
export { COMPARED_SCORES, comparedScoreValues, type ComparedScore } from './compared';
