import { mkdir, stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { csvText } from '../core/batch/csv';
import type { Vec3 } from '../core/imaging/volume';
import { LIMITS } from '../core/input/limits';
import {
  COHORT_DIMS,
  cohortStudy,
  phantomStudyFiles,
  studySpacing,
  type PhantomImageFormat,
} from '../core/phantom';
import { EXIT, usageError, type CommandContext } from './io';

export interface PhantomsInput {
  dir: string;
  count: number;
  seed: number;
  dims?: string;
  format: string;
}

const FORMATS: readonly PhantomImageFormat[] = ['nifti', 'dicom'];
export const OUTCOMES_FILE = 'outcomes.csv';

/**
 * `sap phantoms`: N synthetic study folders (clinical.json, the image, manifest.json) named phantom-{seed},
 * and outcomes.csv (studyId, sap) labelled by isSeverePhantom, so the own-data loop can be tried end to end.
 */
export async function phantomsCommand(input: PhantomsInput, ctx: CommandContext): Promise<number> {
  const dims = input.dims === undefined ? ([...COHORT_DIMS] as Vec3) : parseDims(input.dims);
  if (typeof dims === 'string') return usageError(ctx, dims);
  if (!FORMATS.includes(input.format as PhantomImageFormat))
    return usageError(ctx, `--format must be ${FORMATS.join(' or ')}, not ${JSON.stringify(input.format)}`);
  const seeds = Array.from({ length: input.count }, (_, n) => input.seed + n);
  const width = Math.max(3, String(seeds.at(-1)).length);
  const studyId = (seed: number) => `phantom-${String(seed).padStart(width, '0')}`;
  const taken = [];
  for (const name of [...seeds.map(studyId), OUTCOMES_FILE])
    if (await stat(path.join(input.dir, name)).catch(() => undefined)) taken.push(name);
  if (taken.length > 0)
    return usageError(
      ctx,
      `${input.dir} already holds ${taken.slice(0, 3).join(', ')}: choose an empty folder`,
    );

  const outcomes: string[][] = [['studyId', 'sap']];
  for (const seed of seeds) {
    const { phantom, sap } = cohortStudy(seed, dims);
    const id = studyId(seed);
    for (const [file, bytes] of Object.entries(
      phantomStudyFiles(phantom, input.format as PhantomImageFormat, id),
    )) {
      const target = path.join(input.dir, id, ...file.split('/'));
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, bytes);
    }
    outcomes.push([id, String(sap)]);
    if (!ctx.json) ctx.io.err(`${id}: ${phantom.description.variants.join(' + ')}, sap ${sap}`);
  }
  await writeFile(path.join(input.dir, OUTCOMES_FILE), csvText(outcomes));
  const events = outcomes.filter((row) => row[1] === '1').length;
  const summary = {
    dir: input.dir,
    studies: seeds.length,
    events,
    dims,
    spacingMm: studySpacing(dims),
    outcomes: path.join(input.dir, OUTCOMES_FILE),
  };
  ctx.io.out(
    ctx.json
      ? JSON.stringify(summary, null, 2)
      : `${seeds.length} study folders in ${input.dir} (${dims.join('×')} voxels, ${summary.spacingMm.join(' × ')} mm), ${events} severe; outcomes in ${summary.outcomes}`,
  );
  return EXIT.ok;
}

/** `--dims 128,128,24`: three whole numbers, at least LIMITS.minSlices slices (what validation accepts). */
function parseDims(text: string): Vec3 | string {
  const parts = text.split(/[,x×]/).map((part) => Number(part.trim()));
  if (parts.length !== 3 || !parts.every((n) => Number.isInteger(n) && n >= 1))
    return `--dims must be three whole numbers such as 128,128,24, not ${JSON.stringify(text)}`;
  if (parts[2]! < LIMITS.minSlices)
    return `--dims: a study needs at least ${LIMITS.minSlices} slices, not ${parts[2]}`;
  if (parts[0]! > LIMITS.maxInPlane || parts[1]! > LIMITS.maxInPlane)
    return `--dims: at most ${LIMITS.maxInPlane} voxels in plane`;
  return parts as Vec3;
}
