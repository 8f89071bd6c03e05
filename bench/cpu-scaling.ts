/**
 * From wall times measured on 1 and 2 intra-op threads to an estimate on a Lambda function's vCPUs, by
 * Amdahl's law: T(n) = T1·((1 − p) + p/n), with the parallel fraction p fitted from the two runs,
 * p = 2·(1 − T2/T1). The single-threaded JavaScript stages (resampling, blending, masks) are the serial
 * part, as they are in production. Each core is taken to be as fast as one here.
 */

/**
 * Lambda at its largest, 10,240 MB: 6 vCPUs, but CPU credit of one vCPU per 1,769 MB, i.e. 5.79
 * vCPU-seconds per second (https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html).
 */
export const LAMBDA_MAX_MEMORY_MB = 10_240;
export const LAMBDA_MB_PER_VCPU = 1_769;
export const LAMBDA_VCPUS = 6;

/**
 * On EC2 each vCPU is one hyperthread of a physical core
 * (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instance-optimize-cpu.html); Lambda does not say
 * what its vCPU is, and is taken to be the same: 6 vCPUs are 3 cores. Dense convolution keeps a core's
 * vector units busy, so the second hyperthread is taken to add nothing: the conservative estimate. The
 * optimistic one counts each vCPU as a core, up to the CPU credit.
 */
export const CORES_CONSERVATIVE = LAMBDA_VCPUS / 2;
export const CORES_OPTIMISTIC = Math.min(LAMBDA_VCPUS, LAMBDA_MAX_MEMORY_MB / LAMBDA_MB_PER_VCPU);

/** The parallel fraction that makes 1 → 2 threads take t1 → t2, clamped to [0, 1] (noise can break it). */
export function parallelFraction(t1: number, t2: number): number {
  return Math.min(1, Math.max(0, 2 * (1 - t2 / t1)));
}

/** Amdahl's law: the time on `cores` cores from the times on 1 and 2. */
export function amdahlTime(t1: number, t2: number, cores: number): number {
  const p = parallelFraction(t1, t2);
  return t1 * (1 - p + p / cores);
}
