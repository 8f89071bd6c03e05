// Types of build-cli.mjs, for the tests that import it.
export declare const REPO_ROOT: string;
export declare const DEFAULT_OUT_DIR: string;
export declare const MANIFEST: string;
export declare const CURRENT: string;
export declare const BUILD_COMMAND: string;
export declare function entryPoints(): string[];
export declare function buildCli(options?: { outDir?: string }): Promise<{ dir: string; files: string[] }>;
export type BuildState =
  { state: 'missing' } | { state: 'stale'; source: string; dir: string } | { state: 'fresh'; dir: string };
export declare function buildState(outDir?: string): BuildState;
export declare function rebuildIfStale(outDir?: string): Promise<BuildState>;
