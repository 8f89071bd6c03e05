import * as path from 'node:path';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';

/**
 * How the CPU tier's Infer function carries onnxruntime-node, whose native library esbuild cannot bundle:
 * the packages stay external and are copied into the zip's node_modules after bundling, with only the
 * Linux x64 build of the native binding (the other platforms' builds would take the zip over Lambda's
 * 250 MB unzipped limit, https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html). The
 * copy is a local `cp` from this checkout's node_modules: no network, no Docker.
 */
export const ONNXRUNTIME_ARCHITECTURE = lambda.Architecture.X86_64;

/** The npm packages the bundle leaves out and copies in whole. */
export const ONNXRUNTIME_PACKAGES = ['onnxruntime-node', 'onnxruntime-common'] as const;

/** The native binding's folder for Lambda's x86_64 Linux (onnxruntime-node's dist/binding.js loads it). */
export const ONNXRUNTIME_BINDING_DIR = 'bin/napi-v6/linux/x64';

/** What the bundle holds of each package, relative to the package's folder. */
export const ONNXRUNTIME_BUNDLED_PATHS: Record<(typeof ONNXRUNTIME_PACKAGES)[number], readonly string[]> = {
  'onnxruntime-node': ['package.json', 'dist', ONNXRUNTIME_BINDING_DIR],
  'onnxruntime-common': ['package.json', 'dist'],
};

/** The copy commands: each path of ONNXRUNTIME_BUNDLED_PATHS from `inputDir`'s node_modules into `outputDir`'s. */
export function onnxruntimeCopyCommands(inputDir: string, outputDir: string): string[] {
  const commands: string[] = [];
  for (const [pkg, paths] of Object.entries(ONNXRUNTIME_BUNDLED_PATHS)) {
    for (const relative of paths) {
      const from = path.posix.join(inputDir, 'node_modules', pkg, relative);
      const to = path.posix.join(outputDir, 'node_modules', pkg, relative);
      commands.push(`mkdir -p "${path.posix.dirname(to)}"`, `cp -R "${from}" "${to}"`);
    }
  }
  return commands;
}

/** The bundling options that make it so (PipelineFunction's `bundling`). */
export const ONNXRUNTIME_BUNDLING: Pick<nodejs.BundlingOptions, 'externalModules' | 'commandHooks'> = {
  externalModules: [...ONNXRUNTIME_PACKAGES],
  commandHooks: {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (inputDir, outputDir) => onnxruntimeCopyCommands(inputDir, outputDir),
  },
};
