import type { Vec3 } from '../../core/imaging/volume';
import { volumePeakMemoryMiB, STUDY_TOO_LARGE } from '../../core/imaging/volume-memory';
import { StepError } from '../../core/pipeline/step-error';

/**
 * Lambda gives every function its memory size, in MB (MiB), as AWS_LAMBDA_FUNCTION_MEMORY_SIZE
 * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime);
 * the local stack sets it from the function's definition too (local/stack/local-env.ts).
 */
export const MEMORY_SIZE_VARIABLE = 'AWS_LAMBDA_FUNCTION_MEMORY_SIZE';
/** Lambda's largest memory size (https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html). */
const LAMBDA_MAX_MEMORY_MB = 10_240;

/**
 * Refuses, with STUDY_TOO_LARGE, a volume whose estimated peak exceeds the function's memory: Lambda would
 * otherwise kill the invocation (Runtime.OutOfMemory), which says nothing of why. Outside Lambda and the
 * local stack (a direct call) the variable is absent and nothing is checked.
 */
export function checkVolumeMemory(
  step: string,
  dims: Vec3,
  environment: NodeJS.ProcessEnv = process.env,
): void {
  const configured = environment[MEMORY_SIZE_VARIABLE];
  if (configured === undefined) return;
  const memoryMb = Number(configured);
  const neededMb = Math.ceil(volumePeakMemoryMiB(dims));
  if (!Number.isFinite(memoryMb) || neededMb <= memoryMb) return;
  const voxels = dims[0] * dims[1] * dims[2];
  const size = `${dims.join('×')} (${voxels.toLocaleString('en-US')} voxels)`;
  // A suggestion in steps of 512 MB: the smallest setting that would hold it, if Lambda has one.
  const suggestion = Math.ceil(neededMb / 512) * 512;
  const raise =
    neededMb <= LAMBDA_MAX_MEMORY_MB
      ? `raise the deploy option imageMemoryMb (cdk deploy -c imageMemoryMb=${Math.min(suggestion, LAMBDA_MAX_MEMORY_MB)}) and resubmit the study`
      : `that is more than Lambda's ${LAMBDA_MAX_MEMORY_MB} MB: no imageMemoryMb setting can hold it`;
  throw new StepError(
    STUDY_TOO_LARGE,
    `the volume is ${size}: ${step} needs an estimated ${neededMb} MB and this function has ${memoryMb} MB; ${raise}`,
  );
}
