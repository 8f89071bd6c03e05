import type { z } from 'zod';

/** Zod's complaints about commander's options, named as the user typed them: `--studies-per-day: ...`. */
export function describeOptionErrors(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const key = String(issue.path[0] ?? '');
      const flag = `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
      return `${flag}: ${issue.message}`;
    })
    .join('\n');
}
