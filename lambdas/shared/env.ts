/** Reads a variable the stack sets on the function; a missing one is a deployment error, not bad input. */
export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}
