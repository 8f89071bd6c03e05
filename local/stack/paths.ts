import { fileURLToPath } from 'node:url';

/** The repository root: handler paths in core's function definitions are relative to it. */
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Where the local stack keeps its data unless told otherwise (git-ignored). */
export const DEFAULT_DATA_DIR = '.sap-local';
