/**
 * Copying the bundled demo models (models/demo) into a models bucket at their version prefixes, so that a
 * first deploy on an empty account has models to load. A model version is an immutable prefix: a copy
 * only ever adds missing files to a prefix that holds nothing but the demo model's own files, and never
 * replaces or deletes an object.
 */

import type { ModelKind } from '../study/model-keys';

/** The version the stack deploys by default (cdk.json / lib/config.ts), and the one the demo models get. */
export const DEMO_MODEL_VERSION = '1';

/** One demo model to copy: `files` of folder `source` (relative to the demo folder) to `prefix`. */
export interface DemoModelCopy {
  kind: ModelKind;
  /** Folder inside the demo models folder, '' or ending in '/'. */
  source: string;
  /** Destination prefix in the models bucket, models/{kind}/{version}/. */
  prefix: string;
  /** The card and the file it names, relative to `source`. */
  files: string[];
}

/** The custom resource's properties, as CloudFormation passes them to the copying function. */
export interface DemoModelsProperties {
  Bucket: string;
  Copies: DemoModelCopy[];
  /** The cards' digests: a changed demo model changes the properties, so CloudFormation sends an update. */
  Digest: string;
}

/** The environment variable naming the folder that holds the demo models inside the function (its layer). */
export const DEMO_MODELS_DIR_ENV = 'DEMO_MODELS_DIR';

export type DemoCopyPlan = { action: 'put'; files: string[] } | { action: 'keep'; reason: string };

/**
 * What to do with one prefix, given the demo model's files (name → sha256) and what the prefix already
 * holds (name → sha256 of each object whose name is one of the demo files, undefined for the others).
 * Any other object, or a demo-named object with other bytes, means another model version lives there: it
 * is kept untouched. Otherwise the missing demo files are put (none when the copy already happened).
 */
export function planDemoCopy(
  demoFiles: ReadonlyMap<string, string>,
  existing: ReadonlyMap<string, string | undefined>,
): DemoCopyPlan {
  for (const [name, digest] of existing) {
    if (!demoFiles.has(name))
      return { action: 'keep', reason: `it holds ${name}, which is not a file of the demo model` };
    if (digest !== demoFiles.get(name))
      return { action: 'keep', reason: `its ${name} differs from the demo model's` };
  }
  return { action: 'put', files: [...demoFiles.keys()].filter((name) => !existing.has(name)) };
}
