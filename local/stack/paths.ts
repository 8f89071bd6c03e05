import { fileURLToPath } from 'node:url';

/** The repository root: handler paths in core's step definition are relative to it. */
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Where the local stack keeps its data unless told otherwise (git-ignored). */
export const DEFAULT_DATA_DIR = '.sap-local';

/** The functions outside PIPELINE_STEPS, with the entries lib/constructs/study-workflow.ts gives them. */
export const START_STUDY_HANDLER = 'lambdas/start-study/handler.ts';
export const INFERENCE_CALLBACK_HANDLER = 'lambdas/inference-callback/handler.ts';
