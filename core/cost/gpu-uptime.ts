import { GPU_IDLE_TAIL_SECONDS } from '../pipeline/deployment-defaults';

/**
 * How long the GPU endpoint is up per day. Always-on: 24 h per instance. Scale-to-zero: an instance is
 * started when a study waits with none running and stopped once the backlog has stayed empty for the
 * scale-in delay, so a day costs its busy time plus, per start, the start-up and the idle tail.
 *
 * Arrivals are modelled as a Poisson process spread over the hours a day studies arrive in. A gap of
 * length g after a study keeps the instance up for min(g, tail); gaps longer than the tail stop it and
 * the next study pays a start-up. With rate λ: E[min(g, T)] = (1 − e^{−λT}) / λ and P(g > T) = e^{−λT}.
 */
export interface ScaleToZeroTiming {
  /** Seconds from the first waiting study to a ready instance: alarm, provisioning, image pull, model load. */
  coldStartSeconds: number;
  /** Seconds an idle instance stays up: the template's idle scale-in alarm (core/pipeline/deployment-defaults.ts). */
  idleTailSeconds: number;
}

export const SCALE_TO_ZERO: ScaleToZeroTiming = {
  coldStartSeconds: 8 * 60,
  idleTailSeconds: GPU_IDLE_TAIL_SECONDS,
};

export interface UptimeInput {
  studiesPerDay: number;
  gpuSecondsPerStudy: number;
  /** Hours of the day over which studies arrive (24: round the clock). */
  arrivalHours: number;
  timing: ScaleToZeroTiming;
}

export interface Uptime {
  instanceSecondsPerDay: number;
  /** Expected instance starts per day; each makes its first study wait coldStartSeconds. */
  startsPerDay: number;
}

const DAY_SECONDS = 24 * 3600;

export function scaleToZeroUptime(input: UptimeInput): Uptime {
  const { studiesPerDay: n, gpuSecondsPerStudy, arrivalHours, timing } = input;
  if (n <= 0) return { instanceSecondsPerDay: 0, startsPerDay: 0 };
  const window = arrivalHours * 3600;
  const rate = n / window;
  const stopped = Math.exp(-rate * timing.idleTailSeconds);
  // The last gap of the day is always longer than the tail unless studies arrive round the clock.
  const tail = (n * (1 - stopped)) / rate;
  const startsPerDay = Math.max(1, n * stopped);
  const uptime = n * gpuSecondsPerStudy + tail + startsPerDay * timing.coldStartSeconds;
  return { instanceSecondsPerDay: Math.min(uptime, DAY_SECONDS), startsPerDay };
}

/** An always-on endpoint keeps at least one instance; more only when one cannot keep up. */
export function alwaysOnInstances(
  studiesPerDay: number,
  gpuSecondsPerStudy: number,
  arrivalHours: number,
): number {
  return Math.max(1, Math.ceil((studiesPerDay * gpuSecondsPerStudy) / (arrivalHours * 3600)));
}
